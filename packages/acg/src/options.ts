import { availableParallelism } from 'node:os';
import { opt, parseOptions, v, type ComponentOptions } from '@acseg/core';

/** Options of the `acg` generator (CLI flags map onto these names). */
export interface AcgOptions {
  /** Prototypes k (paper Table 6: 5). */
  k: number;
  /** Update steps N (paper §4.1: 6). */
  steps: number;
  /** Attention heads (method notes §2: 6). */
  heads: number;
  /** FFN activation (original transformer: ReLU). */
  ffn: 'relu' | 'gelu';
  /** Seed of the initial weights and of the batch order. */
  seed: number;
  /** Checkpoint folder to load; without one the generator is not ready until `fit`. */
  checkpoint?: string;
  /** Training iterations (paper §4.1: 2500). */
  iterations: number;
  /** Images per training step (paper §4.1: 32). */
  batchSize: number;
  /** AdamW learning rate (paper §4.1: 1e-4). */
  lr: number;
  /** AdamW decoupled weight decay (paper §4.1: 0.01). */
  weightDecay: number;
  /** Write a checkpoint every this many iterations (and at the end). */
  checkpointEvery: number;
  /** Images per forward pass at inference. */
  inferenceBatch: number;
  /** Training threads, each with its own TF.js backend and a share of every batch (1 = in this thread). */
  workers: number;
  /** Inference engine of `generate`: 'onnx' (onnxruntime-node) or 'tfjs'; unset = 'onnx' when onnxruntime-node loads, else 'tfjs'. */
  runtime?: AcgRuntime;
  /**
   * Training engine of `fit`: 'onnx' (gradients from a forward + backward ONNX graph on onnxruntime-node) or 'tfjs'
   * (TF.js autodiff); unset = 'tfjs' on a native TF.js backend (tfjs-node, tfjs-node-gpu), else 'onnx' when
   * onnxruntime-node loads, else 'tfjs' (WASM).
   */
  trainRuntime?: AcgRuntime;
  /**
   * onnxruntime's memory arena for the training graph (ONNX engine): on, steps 12–15 % faster; off, ~0.3 GiB less at
   * d = 384 (a ViT-S's features). `run`, `segment` and `eval` turn it off when they train the ACG on the way.
   */
  trainArena: boolean;
  /** Iterations of linear learning-rate warm-up (0 = the paper's constant rate). */
  warmup: number;
  /** Learning-rate decay: 'constant' (the paper) or 'cosine' (to 0 at the last iteration). */
  schedule: LrSchedule;
  /**
   * Arithmetic of `generate`'s products on the onnx runtime: 'fp32', or 'int8' (dynamic quantization of the weight
   * products and of the cross-attention's products with the features: int8 weights per output channel, X once per
   * batch, activations at run time; README "Numbers"). TF.js runs fp32 only.
   */
  precision: AcgPrecision;
  /**
   * Not in the paper (undefined = off, the paper's rule): in `generate`, merge an image's concepts whose cosine is
   * ≥ this value before the argmax, so near-duplicate concepts do not split one region (src/inference/merge.ts).
   */
  mergeThreshold?: number;
  /**
   * Not in the paper (0 = off, the paper's rule): decay β of an exponential moving average of the weights during
   * training, θ̄ ← β θ̄ + (1 − β) θ after every step, starting from the initial weights. The averaged weights are
   * what `fit` leaves in place and checkpoints store (docs/experiments/acg-notebook.md "Seeds, restarts and weight averaging").
   */
  ema: number;
  /**
   * Not in the paper (1 = one run, the paper's): train this many runs from seeds seed, seed + 1, … and keep the one
   * whose modularity loss on the training images is lowest (label-free model selection).
   */
  restarts: number;
}

export type AcgPrecision = 'fp32' | 'int8';

/** Learning-rate schedules of `fit`; the paper trains at a constant rate (schedule 'constant', warmup 0). */
export type LrSchedule = 'constant' | 'cosine';

export type AcgRuntime = 'tfjs' | 'onnx';

export const ACG_DEFAULTS: AcgOptions = {
  k: 5,
  steps: 6,
  heads: 6,
  ffn: 'relu',
  seed: 0,
  iterations: 2500,
  batchSize: 32,
  lr: 1e-4,
  weightDecay: 0.01,
  checkpointEvery: 500,
  inferenceBatch: 64,
  warmup: 0,
  schedule: 'constant',
  precision: 'fp32',
  ema: 0,
  restarts: 1,
  trainArena: true,
  workers: Math.max(1, Math.min(2, availableParallelism())),
};

const posInt = (description: string, dflt: number) => opt.int(description, { min: 1, default: dflt, expected: 'a positive integer' });
const ENGINE = ['auto', 'onnx', 'tfjs'] as const;
const D = ACG_DEFAULTS;

/** The options of generator `acg` (CLI flags and `--set acg.key=value` map onto these names). */
export const ACG_SCHEMA = v.object({
  k: posInt('number of prototypes (paper Table 6: 5)', D.k),
  steps: posInt('update steps N (paper §4.1: 6)', D.steps),
  heads: posInt('attention heads (method notes §2: 6)', D.heads),
  ffn: opt.choice(['relu', 'gelu'], 'FFN activation (original transformer: relu)', D.ffn, '"relu" or "gelu"'),
  seed: opt.int('seed of weights and batch order', { min: 0, default: D.seed }),
  checkpoint: opt.string('checkpoint folder to load; without one the generator is trained first', undefined, 'a path'),
  iterations: posInt('training iterations (paper: 2500)', D.iterations),
  batchSize: posInt('images per step (paper: 32)', D.batchSize),
  lr: opt.number('AdamW learning rate (paper: 1e-4)', { gt: 0, default: D.lr, expected: 'a positive number' }),
  weightDecay: opt.number('AdamW decoupled weight decay (paper: 0.01)', { min: 0, default: D.weightDecay }),
  checkpointEvery: posInt('iterations between checkpoints', D.checkpointEvery),
  inferenceBatch: posInt('images per forward pass at inference', D.inferenceBatch),
  workers: posInt('training threads, each with its own TF.js backend (1 = in this thread)', D.workers),
  runtime: opt.choice(ENGINE, 'inference engine (auto: onnxruntime-node when it loads, else TF.js)', undefined, '"tfjs", "onnx" or "auto"'),
  trainRuntime: opt.choice(
    ENGINE,
    'training engine (auto: onnxruntime-node unless a native TF.js backend is installed)',
    undefined,
    '"tfjs", "onnx" or "auto"',
  ),
  trainArena: opt.bool("onnxruntime's memory arena for the training graph (off: ~0.3 GiB less at d = 384, 12–15 % slower steps)", D.trainArena),
  warmup: opt.int('iterations of linear learning-rate warm-up (paper: 0, constant rate)', {
    min: 0,
    default: D.warmup,
    expected: 'a whole number of iterations',
  }),
  schedule: opt.choice(
    ['constant', 'cosine'],
    'learning-rate decay (paper: constant; cosine: to 0 at the last iteration)',
    D.schedule,
    '"constant" or "cosine"',
  ),
  precision: opt.choice(['fp32', 'int8'], 'arithmetic of inference on onnx (int8: dynamic quantization)', D.precision, '"fp32" or "int8"'),
  mergeThreshold: opt.number("not in the paper: merge an image's concepts whose cosine is ≥ this before the argmax", {
    min: -1,
    max: 1,
    expected: 'a cosine in [-1, 1]',
  }),
  ema: opt.number('not in the paper: moving average of the weights with this decay, e.g. 0.999 (paper: 0, off)', {
    min: 0,
    lt: 1,
    default: D.ema,
    expected: 'a decay in [0, 1) (0 = off)',
  }),
  restarts: posInt('not in the paper: train this many runs (seeds seed, seed+1, …) and keep the lowest held-in loss (paper: 1)', D.restarts),
});

/** Reads and checks the generator's options from a flat CLI record; ignores the rest. */
export function parseAcgOptions(opts: ComponentOptions = {}): AcgOptions {
  const { runtime, trainRuntime, ...o } = parseOptions(ACG_SCHEMA, opts, 'acg', { plugin: '@acseg/acg' });
  // 'auto' leaves the choice to the generator (what loads here).
  return { ...o, ...(runtime && runtime !== 'auto' ? { runtime } : {}), ...(trainRuntime && trainRuntime !== 'auto' ? { trainRuntime } : {}) };
}
