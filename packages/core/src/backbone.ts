import type { AcsegError } from './errors.js';
import type { FeatureMap } from './features.js';
import type { ImageInput, RgbImage } from './image.js';
import type { RegionMap } from './regions.js';

export interface BackboneInfo {
  /** Model name (e.g. "dino-vits16"); feature caches record it, and check it when there is no content hash. */
  model: string;
  /** Absolute path of the model file, when there is one (for messages). */
  modelFile?: string;
  /** SHA-256 of the model file's content: the model's identity, which feature caches record and check. */
  modelSha256?: string;
  patchSize: number;
  /** Side of the square input the image is resized to (e.g. 224); for a non-square input its short side. */
  inputSize: number;
  /** Input height and width in pixels, when the backbone resizes to a fixed H×W (ViTs: both multiples of patchSize). */
  inputHeight?: number;
  inputWidth?: number;
  /** Model family (e.g. "dino", "dinov2", "dinov3"): feature caches record it and refuse to mix families. */
  family?: string;
  /** Register tokens the model carries besides CLS and patches (dropped from the features). */
  registers?: number;
  dim: number;
  /** Number of attention heads, when the backbone exposes attention. */
  heads?: number;
  hasAttention: boolean;
  /** Execution backend actually in use (e.g. "onnxruntime cpu"). */
  runtime?: string;
}

/** One image's outcome: features, or the error that names the file. */
export type FeatureResult = { ok: true; features: FeatureMap } | { ok: false; id: string; source: string; error: AcsegError };

/** What a decode is for (see `Backbone.decode`). */
export interface DecodeUse {
  /** The decode goes to `extract` next. */
  features?: boolean;
}

export interface Backbone {
  readonly name: string;
  readonly info: BackboneInfo;
  /**
   * Patch features for each image, yielded in input order. A bad image
   * yields `{ ok: false }` and the rest go on.
   */
  extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult>;
  /**
   * Paper §4.1: one embedding per region (crop to its box, mask, final CLS).
   * Absent when the backbone cannot embed regions. `features` is the image's
   * feature map when the caller holds it (from `extract` or a feature cache):
   * a backbone whose region embedding is a function of the patch features
   * uses it rather than decoding and computing them again.
   */
  regionEmbeddings?(image: ImageInput, regions: RegionMap, which?: readonly number[], features?: FeatureMap): Promise<Float32Array[]>;
  /** True when `regionEmbeddings` reads the image's pixels (crops), false or absent when it needs only `features`. */
  readonly regionEmbeddingsReadPixels?: boolean;
  /**
   * Set when the model runs only batches of exactly this many images (a fixed-batch export pads a short one): the
   * pipeline keeps its batches multiples of it where it cuts them.
   */
  readonly fixedBatch?: number;
  /**
   * The one decode of an image (decode once): the file at full size, 8-bit sRGB, EXIF-rotated, alpha dropped, with
   * this backbone's checks (pixel limit, smallest size) and messages; `id` and `source` keep naming the file. Given
   * back to `extract` and `regionEmbeddings`, and to whatever draws the outputs, the result serves them all and none
   * reads the file again; `extract` of a path gives the same features as `extract` of its decode. `use.features`:
   * the caller gives this decode to `extract` next, so the backbone may start preparing its input now (off the
   * JavaScript thread); without it the decode is for pixels only (outputs, features read from a cache).
   */
  decode?(image: ImageInput, index: number, use?: DecodeUse): Promise<RgbImage>;
  /**
   * Frees the model (sessions, workers); a second call does nothing. `decode` keeps working after it: a two-pass
   * stream from a stash frees the backbone after pass 1 and still decodes each image for pass 2's outputs.
   */
  dispose?(): Promise<void>;
}
