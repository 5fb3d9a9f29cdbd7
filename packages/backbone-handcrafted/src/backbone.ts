import {
  AcsegError,
  imageId,
  imageSource,
  isRgbImage,
  regionPatchOverlap,
  toAcsegError,
  type Backbone,
  type BackboneInfo,
  type DecodeUse,
  type FeatureMap,
  type FeatureResult,
  type ImageDecoder,
  type ImageInput,
  type RegionMap,
  type RgbImage,
} from '@acseg/core';
import { createImageDecoder } from '@acseg/image-io';
import { decodeChecked, prepareImage, type PreparedImage } from './decode.js';
import { patchFeatures, type FeatureWeights } from './features.js';
import { FEATURE_DIM, PATCH_SIZE } from './layout.js';
import { modelName, parseOptions, type HandcraftedOptions } from './options.js';
import type { ComponentOptions } from '@acseg/core';

/**
 * Images decoded ahead of the one being yielded (sharp decodes on its own threads). Reading a file and decoding it
 * take several turns of this thread (stat, open, read, close, decode, resize), and each waits for the features of
 * the image before: with 2 ahead the thread sat idle a quarter of the time in `acseg features`; 8 keeps it busy
 * (~15 % more images/s on CamVid frames). Fewer for large images (see `decodeAheadBytes`), never under 2.
 */
const LOOKAHEAD = 8;

/**
 * A weight-free backbone: per 16×16 patch of the image resized to 224×224,
 * colour (CIE Lab mean, std, histograms), texture (HOG at 3 scales) and
 * optionally position features, d = 96. No attention, so classifiers use
 * the border prior for background.
 */
export class HandcraftedBackbone implements Backbone {
  /**
   * Decoded bytes `extract` lets be in flight ahead of the image it yields, sized by the largest image so far:
   * 8 ahead of 64 MP images would hold 1.5 GB. Static so that tests can lower it.
   */
  static decodeAheadBytes = 256 * 2 ** 20;
  readonly name = 'handcrafted';
  readonly info: BackboneInfo;
  readonly options: HandcraftedOptions;
  private readonly weights: FeatureWeights;
  /** Region embeddings pool the patch features: given the feature map, they need no pixels. */
  readonly regionEmbeddingsReadPixels = false;
  /** The last few feature maps, so regionEmbeddings after extract does not decode again. */
  private readonly recent = new Map<ImageInput, FeatureMap>();
  /** The run's image decoder (`services.images`), else @acseg/image-io's. */
  private readonly images: ImageDecoder;
  /** Images from `decode`, resized for the features as soon as they were decoded; taken by `features`. */
  private readonly resized = new WeakMap<RgbImage, Promise<PreparedImage>>();

  constructor(options: ComponentOptions | Partial<HandcraftedOptions> = {}, services: { images?: ImageDecoder } = {}) {
    this.options = parseOptions(options as ComponentOptions);
    this.images = services.images ?? createImageDecoder();
    const o = this.options;
    this.weights = { color: o.colorWeight, texture: o.textureWeight, position: o.position ? o.positionWeight : 0 };
    this.info = {
      model: modelName(o),
      patchSize: PATCH_SIZE,
      inputSize: o.inputSize,
      dim: FEATURE_DIM,
      hasAttention: false,
      runtime: 'javascript (sharp decoding)',
    };
  }

  /**
   * The full-size decode a run shares (decode once); `extract` of it gives the file's features. For features
   * (`use.features`) its resize to the backbone's input starts now, on sharp's threads: asked for when its features
   * were due, the resize waited in libuv's queue behind the next images' decodes, and this thread with it.
   */
  async decode(image: ImageInput, index: number, use?: DecodeUse): Promise<RgbImage> {
    const rgb = await decodeChecked(image, index, this.options.maxPixels, this.images);
    if (!use?.features) return rgb;
    const resized = prepareImage(rgb, this.options.inputSize, index, this.options.maxPixels, this.images);
    // Awaited by `features`; an image the run drops before its features must not leave an unhandled rejection.
    resized.catch(() => undefined);
    this.resized.set(rgb, resized);
    return rgb;
  }

  /** Features of one image; throws AcsegError naming the file. */
  async features(image: ImageInput, index = 0): Promise<FeatureMap> {
    const cached = this.recent.get(image);
    if (cached) return cached;
    const size = this.options.inputSize;
    const early = isRgbImage(image) ? this.resized.get(image) : undefined;
    if (early) this.resized.delete(image as RgbImage);
    // The same resize of the same pixels; only the name of an image without one (its index) is this call's.
    const prepared = early
      ? { ...(await early), source: imageSource(image, index) }
      : await prepareImage(image, size, index, this.options.maxPixels, this.images);
    const tokens = patchFeatures(prepared.rgb, size, this.weights);
    const g = size / PATCH_SIZE;
    const cls = new Float32Array(FEATURE_DIM);
    for (let p = 0; p < g * g; p++) for (let j = 0; j < FEATURE_DIM; j++) cls[j] += tokens[p * FEATURE_DIM + j] / (g * g);
    const map: FeatureMap = {
      id: imageId(image, index),
      grid: { h: g, w: g },
      dim: FEATURE_DIM,
      tokens,
      cls,
      imageSize: { width: prepared.width, height: prepared.height },
      source: prepared.source,
    };
    this.recent.set(image, map);
    if (this.recent.size > 8) this.recent.delete(this.recent.keys().next().value!);
    return map;
  }

  async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
    const run = (i: number): Promise<FeatureResult> =>
      this.features(images[i], i).then(
        (features): FeatureResult => ({ ok: true, features }),
        (e: unknown): FeatureResult => {
          const source = imageSource(images[i], i);
          return { ok: false, id: imageId(images[i], i), source, error: toAcsegError(e, 'BAD_IMAGE', { file: source, stage: 'features', message: source }) };
        },
      );
    const pending: Promise<FeatureResult>[] = [];
    let next = 0;
    let ahead = LOOKAHEAD;
    let largest = 0;
    while (next < images.length && pending.length < ahead) pending.push(run(next++));
    while (pending.length) {
      const r = await pending.shift()!;
      if (r.ok && r.features.imageSize.width * r.features.imageSize.height * 3 > largest) {
        largest = r.features.imageSize.width * r.features.imageSize.height * 3;
        ahead = Math.max(2, Math.min(LOOKAHEAD, Math.floor(HandcraftedBackbone.decodeAheadBytes / largest)));
      }
      while (next < images.length && pending.length < ahead) pending.push(run(next++));
      yield r;
    }
  }

  /**
   * One embedding per region: the mean of the patch features over the
   * region's pixels (each pixel takes its patch's feature, via
   * regionPatchOverlap). `which` picks regions (default all); `features`,
   * this image's map from this backbone when the caller holds it.
   */
  async regionEmbeddings(image: ImageInput, regions: RegionMap, which?: readonly number[], features?: FeatureMap): Promise<Float32Array[]> {
    // The caller's feature map (e.g. read from a feature cache) saves decoding and computing the image again.
    const f =
      features && features.dim === FEATURE_DIM && features.tokens.length === features.grid.h * features.grid.w * FEATURE_DIM
        ? features
        : await this.features(image);
    if (regions.width !== f.imageSize.width || regions.height !== f.imageSize.height) {
      throw new AcsegError(
        'BAD_INPUT',
        `${f.source}: region map is ${regions.width}×${regions.height} but the image is ${f.imageSize.width}×${f.imageSize.height}`,
        { file: f.source },
      );
    }
    const n = f.grid.h * f.grid.w;
    const overlap = regionPatchOverlap(regions, f.grid);
    const ids = which ?? Array.from({ length: regions.count }, (_, r) => r);
    return ids.map((r) => {
      if (!Number.isInteger(r) || r < 0 || r >= regions.count) {
        throw new AcsegError('BAD_INPUT', `${f.source}: region ${r} does not exist (the map has ${regions.count})`, { file: f.source });
      }
      const e = new Float32Array(f.dim);
      let total = 0;
      for (let p = 0; p < n; p++) {
        const w = overlap[r * n + p];
        if (w === 0) continue;
        total += w;
        for (let j = 0; j < f.dim; j++) e[j] += w * f.tokens[p * f.dim + j];
      }
      if (total > 0) for (let j = 0; j < f.dim; j++) e[j] /= total;
      return e;
    });
  }

  async dispose(): Promise<void> {
    this.recent.clear();
  }
}
