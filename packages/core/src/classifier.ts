import type { Backbone } from './backbone.js';
import type { FeatureMap } from './features.js';
import type { ImageInput } from './image.js';
import type { Logger, ProgressFactory } from './log.js';
import type { RegionMap } from './regions.js';
import type { RowReader } from './row-reader.js';

/** What a classifier needs from the rest of the pipeline. */
export interface ClassifierNeeds {
  /** The backbone's CLS attention (background step). */
  attention?: boolean;
  /** `backbone.regionEmbeddings`. */
  regionEmbeddings?: boolean;
  /** A list of class names (e.g. CLIP prompts). */
  classNames?: boolean;
  /** `fit` must see the whole image set before `classify` (k-means over regions). */
  fit?: boolean;
}

export interface ClassifyInput {
  image: ImageInput;
  features: FeatureMap;
  regions: RegionMap;
}

export interface RegionLabel {
  region: number;
  /** Class index; 0 is background where the label set has one. */
  classId: number;
  className?: string;
  score?: number;
}

export interface ClassifierContext {
  backbone: Backbone;
  /** Class names, index = class id. */
  classNames?: readonly string[];
  log?: Logger;
  progress?: ProgressFactory;
}

/**
 * What a two-pass classifier keeps of one image between seeing the set and
 * labelling it: a few vectors per region, not the image, features or maps,
 * so `fit` over 100 000 images holds (regions × d) floats per image.
 */
export interface RegionDigest {
  /** Regions of the image (the RegionMap's `count`). */
  regionCount: number;
  /** Per region: background by the classifier's rule. */
  background: boolean[];
  /** Regions that were embedded (foreground, with pixels), in index order. */
  foreground: number[];
  /** One embedding per `foreground` entry. */
  embeddings: Float32Array[];
  /** Per region: its ground-truth class for a labelled fit (k-NN memory bank), −1 for none. */
  groundTruth?: Int32Array;
}

export interface ConceptClassifier {
  readonly name: string;
  readonly needs: ClassifierNeeds;
  /** Learns from a set of images and their regions (k-means, k-NN memory bank). */
  fit?(inputs: readonly ClassifyInput[], context: ClassifierContext, labels?: readonly (Uint8Array | undefined)[]): Promise<void>;
  /**
   * Fails fast, before any long work, when `classify` could not run in this context with what the classifier
   * holds now: missing model files, no class names, no memory bank. Cheap: loads nothing big.
   * `SegmentationPipeline.check()` calls it; the pipeline never fits a classifier with labels.
   */
  check?(context: ClassifierContext): Promise<void>;
  /** One label per region of each input. */
  classify(inputs: readonly ClassifyInput[], context: ClassifierContext): Promise<RegionLabel[][]>;
  /**
   * Streaming form of `fit` + `classify` (k-means, k-NN): what the classifier
   * needs of one image, taken while the image is at hand (with its label
   * map for a labelled fit). A digest depends on the classifier's options,
   * never on its fitted state or seed, so one digest serves every seed.
   */
  digest?(input: ClassifyInput, context: ClassifierContext, label?: Uint8Array): Promise<RegionDigest>;
  /** `fit` on digests; labelled digests (with `groundTruth`) for a memory bank. */
  fitDigests?(digests: readonly RegionDigest[], context: ClassifierContext): Promise<void>;
  /**
   * `fitDigests` from the digests' foreground embeddings alone, as rows read a block at a time (image after image,
   * each in its `foreground` order) of `images` images: the same state, without every digest in memory. For a
   * classifier whose fit needs nothing else of a digest (k-means); a two-pass stream with a `DigestStash` uses it.
   */
  fitRows?(rows: RowReader, images: number, context: ClassifierContext): Promise<void>;
  /** `classify` on digests: one label per region of each. */
  classifyDigests?(digests: readonly RegionDigest[], context: ClassifierContext): Promise<RegionLabel[][]>;
  save?(path: string): Promise<void>;
  load?(path: string): Promise<void>;
  dispose?(): Promise<void>;
}
