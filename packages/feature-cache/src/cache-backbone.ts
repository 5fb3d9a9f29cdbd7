import {
  AcsegError,
  imageId,
  imageSource,
  regionPatchOverlap,
  type Backbone,
  type BackboneInfo,
  type FeatureMap,
  type FeatureResult,
  type ImageInput,
  type RegionMap,
} from '@acseg/core';
import { sourceKey } from './cached-backbone.js';
import type { FeatureCache } from './read.js';

export interface CacheBackboneOptions {
  /**
   * A backbone that embeds regions from the images (the paper's §4.1 crop → ViT → CLS). Without one, a region's
   * embedding is the pixel-weighted mean of the cached patch tokens under it: no image or model needed.
   */
  regions?: Backbone;
}

/**
 * Per region (of `which`), the mean of the tokens of the patches under its pixels, weighted by the pixels (core's
 * `regionPatchOverlap`, the weights the weight-free backbone pools with), summed in double precision.
 */
export function pooledRegionEmbeddings(f: FeatureMap, regions: RegionMap, which?: readonly number[]): Float32Array[] {
  const d = f.dim;
  const n = f.grid.h * f.grid.w;
  const overlap = regionPatchOverlap(regions, f.grid);
  const ids = which ?? Array.from({ length: regions.count }, (_, r) => r);
  return ids.map((r) => {
    const e = new Float64Array(d);
    let total = 0;
    for (let p = 0; p < n; p++) {
      const c = overlap[r * n + p];
      if (!c) continue;
      total += c;
      for (let j = 0; j < d; j++) e[j] += c * f.tokens[p * d + j];
    }
    return Float32Array.from(e, (v) => (total ? v / total : 0));
  });
}

function infoOf(cache: FeatureCache): BackboneInfo {
  const { model, modelFile, modelSha256, patchSize, inputSize, inputHeight, inputWidth, family, registers, dim } = cache.info;
  return {
    model,
    modelFile,
    modelSha256,
    patchSize,
    inputSize,
    dim,
    heads: cache.heads || undefined,
    hasAttention: cache.heads > 0,
    ...(inputHeight !== undefined ? { inputHeight, inputWidth } : {}),
    ...(family !== undefined ? { family } : {}),
    ...(registers !== undefined ? { registers } : {}),
  };
}

/**
 * A backbone made of feature caches alone: each input is found by its source (the path the cache recorded), else by
 * its id (file name without extension), in the first cache that holds it; an input in none is a per-image failure
 * naming the caches. So `segment`/`eval` run on features computed earlier or elsewhere without images or a model,
 * except for region embeddings from the images (`regions`), which fall back to pooled cached tokens.
 */
export function cacheBackbone(caches: readonly FeatureCache[], opts: CacheBackboneOptions = {}): Backbone & { readonly pooled: boolean } {
  if (caches.length === 0) throw new AcsegError('BAD_CONFIG', 'cacheBackbone: no feature cache given');
  const first = caches[0];
  for (const c of caches.slice(1)) {
    if (c.dim !== first.dim || c.grid?.h !== first.grid?.h || c.grid?.w !== first.grid?.w || c.info.model !== first.info.model) {
      throw new AcsegError(
        'BAD_INPUT',
        `${c.path}: features of ${c.info.model} (dim ${c.dim}, grid ${c.grid?.h}×${c.grid?.w}) cannot be used with ${first.path} (${first.info.model}, dim ${first.dim}, grid ${first.grid?.h}×${first.grid?.w})`,
        { file: c.path, hint: 'both caches must come from the same model' },
      );
    }
  }
  const bySource = caches.map((c) => new Map(c.images.map((im, i) => [sourceKey(im.source), i])));
  const locate = (input: ImageInput, i: number): { cache: FeatureCache; at: number } | undefined => {
    const key = sourceKey(imageSource(input, i));
    const id = imageId(input, i);
    for (const [c, cache] of caches.entries()) {
      const at = bySource[c].get(key) ?? cache.indexOf(id);
      if (at >= 0) return { cache, at };
    }
    return undefined;
  };
  const read = async (input: ImageInput, i: number): Promise<FeatureMap | undefined> => {
    const where = locate(input, i);
    return where ? (await where.cache.read([where.at]))[0] : undefined;
  };
  const regions = opts.regions?.regionEmbeddings ? opts.regions : undefined;
  return {
    name: first.info.model,
    info: infoOf(first),
    pooled: !regions,
    async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
      for (const [i, image] of images.entries()) {
        const features = await read(image, i);
        if (features) {
          yield { ok: true, features };
          continue;
        }
        const source = imageSource(image, i);
        yield {
          ok: false,
          id: imageId(image, i),
          source,
          error: new AcsegError(
            'BAD_INPUT',
            `${source}: not in the feature cache ${caches.map((c) => c.path).join(' or ')} (looked for its path and the id "${imageId(image, i)}")`,
            { file: source, stage: 'features' },
          ),
        };
      }
    },
    async regionEmbeddings(image: ImageInput, map: RegionMap, which?: readonly number[]): Promise<Float32Array[]> {
      if (regions) return regions.regionEmbeddings!(image, map, which);
      const f = await read(image, 0);
      if (!f)
        throw new AcsegError('BAD_INPUT', `${imageSource(image)}: not in the feature cache, so its regions cannot be embedded`, { file: imageSource(image) });
      return pooledRegionEmbeddings(f, map, which);
    },
    regionEmbeddingsReadPixels: !!regions?.regionEmbeddingsReadPixels,
    dispose: async () => {
      await Promise.all(caches.map((c) => c.close()));
    },
  };
}
