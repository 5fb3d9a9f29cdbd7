import { resolve } from 'node:path';
import { imageSource, type Backbone, type DecodeUse, type FeatureMap, type FeatureResult, type ImageInput, type RegionMap } from '@acseg/core';
import type { FeatureCache } from './read.js';

/** How a cache knows an input: the absolute path of a file, or the `<image id>` of an in-memory image. */
export function sourceKey(source: string): string {
  return source.startsWith('<') ? source : resolve(source);
}

/**
 * A backbone that serves features from a cache and runs the real backbone
 * only for images the cache lacks (and for region embeddings, which need
 * the image): so a command that trained the ACG from a cache it just wrote
 * segments from the same features without a second backbone pass. The
 * cache must have been written by `backbone` (the caller checks the model).
 */
export function cachedBackbone(cache: FeatureCache, backbone: Backbone): Backbone & { readonly served: number } {
  const bySource = new Map<string, number>();
  cache.images.forEach((im, i) => bySource.set(sourceKey(im.source), i));
  let served = 0;
  const wrapped: Backbone & { served: number } = {
    name: backbone.name,
    info: backbone.info,
    get served() {
      return served;
    },
    async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
      // Runs of uncached images go to the backbone together, in order.
      let missing: ImageInput[] = [];
      const drain = async function* (): AsyncIterable<FeatureResult> {
        if (!missing.length) return;
        const batch = missing;
        missing = [];
        yield* backbone.extract(batch);
      };
      for (const [i, image] of images.entries()) {
        const at = bySource.get(sourceKey(imageSource(image, i)));
        if (at === undefined) {
          missing.push(image);
          continue;
        }
        yield* drain();
        const [features] = await cache.read([at]);
        served++;
        yield { ok: true, features };
      }
      yield* drain();
    },
    regionEmbeddings: backbone.regionEmbeddings
      ? (image: ImageInput, regions: RegionMap, which?: readonly number[], features?: FeatureMap) => backbone.regionEmbeddings!(image, regions, which, features)
      : undefined,
    regionEmbeddingsReadPixels: backbone.regionEmbeddingsReadPixels,
    // The images' decode stays the backbone's: a decoded image finds its features by the file it names (`source`). One
    // whose features the cache holds is decoded for its pixels only (nothing prepared for a backbone pass).
    decode: backbone.decode
      ? (image: ImageInput, index: number, use?: DecodeUse) =>
          backbone.decode!(image, index, use?.features && !bySource.has(sourceKey(imageSource(image, index))) ? use : undefined)
      : undefined,
    dispose: () => backbone.dispose?.() ?? Promise.resolve(),
  };
  return wrapped;
}
