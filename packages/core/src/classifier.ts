import type { Backbone } from './backbone.js';
import type { FeatureMap } from './features.js';
import type { ImageInput } from './image.js';
import type { Logger, ProgressFactory } from './log.js';
import type { RegionMap } from './regions.js';

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
  save?(path: string): Promise<void>;
  load?(path: string): Promise<void>;
  dispose?(): Promise<void>;
}
