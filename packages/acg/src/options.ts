import { availableParallelism } from 'node:os';
import { AcsegError, type ComponentOptions } from '@acseg/core';

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
  k: 5, steps: 6, heads: 6, ffn: 'relu', seed: 0, iterations: 2500, batchSize: 32, lr: 1e-4, weightDecay: 0.01, checkpointEvery: 500, inferenceBatch: 64, warmup: 0, schedule: 'constant', precision: 'fp32', ema: 0, restarts: 1, workers: Math.max(1, Math.min(2, availableParallelism())),
};

function num(opts: ComponentOptions, key: keyof AcgOptions, kind: 'int' | 'pos' | 'nonneg'): number | undefined {
  const raw = opts[key];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const v = typeof raw === 'string' ? Number(raw) : raw;
  const ok = typeof v === 'number' && Number.isFinite(v) && (kind === 'int' ? Number.isInteger(v) && v > 0 : kind === 'pos' ? v > 0 : v >= 0);
  if (!ok) {
    const want = kind === 'int' ? 'a positive integer' : kind === 'pos' ? 'a positive number' : 'a number ≥ 0';
    throw new AcsegError('BAD_CONFIG', `acg: option ${key} must be ${want}, got ${JSON.stringify(raw)}`, { plugin: '@acseg/acg' });
  }
  return v;
}

/** Reads and checks the generator's options from a flat CLI record; ignores the rest. */
export function parseAcgOptions(opts: ComponentOptions = {}): AcgOptions {
  const out: AcgOptions = { ...ACG_DEFAULTS };
  for (const key of ['k', 'steps', 'heads', 'iterations', 'batchSize', 'checkpointEvery', 'inferenceBatch', 'workers', 'restarts'] as const) {
    const v = num(opts, key, 'int');
    if (v !== undefined) out[key] = v;
  }
  const lr = num(opts, 'lr', 'pos');
  if (lr !== undefined) out.lr = lr;
  const wd = num(opts, 'weightDecay', 'nonneg');
  if (wd !== undefined) out.weightDecay = wd;
  if (opts.seed !== undefined) {
    const s = typeof opts.seed === 'string' ? Number(opts.seed) : opts.seed;
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) throw new AcsegError('BAD_CONFIG', `acg: option seed must be an integer ≥ 0, got ${JSON.stringify(opts.seed)}`);
    out.seed = s;
  }
  if (opts.ffn !== undefined) {
    if (opts.ffn !== 'relu' && opts.ffn !== 'gelu') throw new AcsegError('BAD_CONFIG', `acg: option ffn must be "relu" or "gelu", got ${JSON.stringify(opts.ffn)}`);
    out.ffn = opts.ffn;
  }
  for (const key of ['runtime', 'trainRuntime'] as const) {
    const v = opts[key];
    if (v === undefined || v === null || v === '' || v === 'auto') continue;
    if (v !== 'tfjs' && v !== 'onnx') throw new AcsegError('BAD_CONFIG', `acg: option ${key} must be "tfjs", "onnx" or "auto", got ${JSON.stringify(v)}`, { plugin: '@acseg/acg' });
    out[key] = v;
  }
  if (opts.schedule !== undefined && opts.schedule !== null && opts.schedule !== '') {
    if (opts.schedule !== 'constant' && opts.schedule !== 'cosine') throw new AcsegError('BAD_CONFIG', `acg: option schedule must be "constant" or "cosine", got ${JSON.stringify(opts.schedule)}`, { plugin: '@acseg/acg' });
    out.schedule = opts.schedule;
  }
  if (opts.mergeThreshold !== undefined && opts.mergeThreshold !== null && opts.mergeThreshold !== '') {
    const t = Number(opts.mergeThreshold);
    if (!Number.isFinite(t) || t < -1 || t > 1) throw new AcsegError('BAD_CONFIG', `acg: option mergeThreshold must be a cosine in [-1, 1], got ${JSON.stringify(opts.mergeThreshold)}`, { plugin: '@acseg/acg' });
    out.mergeThreshold = t;
  }
  if (opts.precision !== undefined && opts.precision !== null && opts.precision !== '') {
    if (opts.precision !== 'fp32' && opts.precision !== 'int8') throw new AcsegError('BAD_CONFIG', `acg: option precision must be "fp32" or "int8", got ${JSON.stringify(opts.precision)}`, { plugin: '@acseg/acg' });
    out.precision = opts.precision;
  }
  const ema = num(opts, 'ema', 'nonneg');
  if (ema !== undefined) {
    if (ema >= 1) throw new AcsegError('BAD_CONFIG', `acg: option ema must be a decay in [0, 1) (0 = off), got ${JSON.stringify(opts.ema)}`, { plugin: '@acseg/acg' });
    out.ema = ema;
  }
  const warmup = num(opts, 'warmup', 'nonneg');
  if (warmup !== undefined) {
    if (!Number.isInteger(warmup)) throw new AcsegError('BAD_CONFIG', `acg: option warmup must be a whole number of iterations, got ${JSON.stringify(opts.warmup)}`, { plugin: '@acseg/acg' });
    out.warmup = warmup;
  }
  if (opts.checkpoint !== undefined) {
    if (typeof opts.checkpoint !== 'string' || !opts.checkpoint) throw new AcsegError('BAD_CONFIG', 'acg: option checkpoint must be a path');
    out.checkpoint = opts.checkpoint;
  }
  return out;
}
