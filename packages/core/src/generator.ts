import type { FeatureMap, FeatureSource } from './features.js';
import type { ProgressFactory, Logger } from './log.js';

/** A generator's output for one image. */
export interface ConceptAssignment {
  id: string;
  /** Number of concepts (columns of S). */
  k: number;
  /** Soft assignment S, n × k row-major; argmax over columns gives a patch's concept. */
  assignment: Float32Array;
  /** The concepts themselves, k × d, when the generator has them. */
  concepts?: Float32Array;
}

export interface FitOptions {
  progress?: ProgressFactory;
  log?: Logger;
  /** Stops training early; the generator keeps (and may save) its last good state. */
  signal?: AbortSignal;
  [option: string]: unknown;
}

export interface FitReport {
  iterations: number;
  finalLoss?: number;
  [key: string]: unknown;
}

export interface ConceptGenerator {
  readonly name: string;
  /** Maps each image's patch features to its concepts. */
  generate(features: readonly FeatureMap[]): Promise<ConceptAssignment[]>;
  /** Learns from a feature set (ACG); clustering baselines have nothing to fit. */
  fit?(source: FeatureSource, options?: FitOptions): Promise<FitReport>;
  /** True once the generator can `generate` (fitted or loaded, or needs no fit). */
  readonly ready: boolean;
  save?(path: string): Promise<void>;
  load?(path: string): Promise<void>;
  dispose?(): Promise<void>;
}
