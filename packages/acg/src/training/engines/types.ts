import type { Logger } from '@acseg/core';
import type { AcgOptions, AcgRuntime } from '../../options.js';
import type { StepResult, TfAcg } from '../../tf/runtime.js';

/**
 * A running training engine: gradients of a batch at the model's master weights, then the model's AdamW update.
 * Every engine updates the same `TfAcg` (its master weights and AdamW moments), so checkpoints, resume and EMA are
 * one code path and a run can switch engines on resume.
 */
export interface TrainingEngine {
  step(tokens: readonly Float32Array[], n: number): Promise<StepResult>;
  close(): Promise<void>;
}

/** A training engine by name, as option `trainRuntime` names it (one module per engine, beside this file). */
export interface TrainingEngineSpec {
  readonly name: AcgRuntime;
  /** Undefined where the engine can run here, else why not. */
  unavailable(): Promise<string | undefined>;
  /** Starts the engine on `model` (whose optimizer is set) and logs one `acg: training on ...` line ending in `why`. */
  start(model: TfAcg, options: AcgOptions, log: Logger, why: string): Promise<TrainingEngine>;
}
