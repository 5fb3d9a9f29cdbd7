import type { Logger } from '@acseg/core';
import type { TrainingState } from '../checkpoint/checkpoint.js';
import type { AcgOptions } from '../options.js';
import type { Formulation, TfAcg } from '../tf/runtime.js';

/**
 * What training needs of the generator it trains (AcgGenerator implements it). The trainer depends on this
 * interface, not on the generator's module, so the generator can import training lazily and without a cycle.
 */
export interface TrainableAcg {
  readonly options: AcgOptions;
  readonly formulation: Formulation;
  readonly ready: boolean;
  readonly logger: Logger;
  /** Training progress of the current weights, stored in checkpoints. */
  training: TrainingState | undefined;
  /** Fresh weights for features of dimension `dim`, from the options' seed. */
  initialize(dim: number): Promise<void>;
  /** The current weights; throws when there are none. */
  requireModel(what: string): TfAcg;
  /** Swaps in weights (on resume, and the restart that is kept). */
  setModel(model: TfAcg, origin: string, training?: TrainingState): void;
  /** Writes a checkpoint; `average` (the ema weights) replaces the weights when given. */
  save(path: string, average?: Float32Array): Promise<void>;
  dispose(): Promise<void>;
}
