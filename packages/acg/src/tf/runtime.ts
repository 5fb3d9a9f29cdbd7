import { transpose } from '@acseg/onnx-graph';
import * as tf from '@tensorflow/tfjs-core';
import type { AcgConfig, ParamValues } from '../model/config.js';
import type { OptimizerState } from '../checkpoint/checkpoint.js';
import { AdamW, type AdamWOptions, type AdamWStep } from './adamw.js';
import { flatLayout, flatViews, gradientsInto, type FlatLayout, type GradientResult } from './grad.js';
import { modularityLoss, modularityWeights } from './loss.js';
import { AcgParams, batchFeatures, forward, type Formulation } from './model.js';

export interface Prediction {
  /** B·n·k: image b's S (n × k, row-major) at [b·n·k, (b+1)·n·k). */
  assignment: Float32Array;
  /** B·k·d: image b's concepts at [b·k·d, (b+1)·k·d). */
  concepts: Float32Array;
}

export interface StepResult {
  loss: number;
  /** Whether the loss and every gradient were finite (the update is skipped otherwise). */
  finite: boolean;
}

/** The ACG on TF.js: weights, optimizer, forward pass and one training step. */
export class TfAcg {
  private readonly params: AcgParams;
  private optimizer: AdamW | undefined;
  /** Master copy of the weights in TF.js layout over a SharedArrayBuffer (worker threads read it); AdamW updates it. */
  readonly layout: FlatLayout;
  readonly master: SharedArrayBuffer;
  private readonly masterViews: Map<string, Float32Array>;
  private gradBuffer: Map<string, Float32Array> | undefined;
  /** The TF.js variables lag behind the master copy (after applyGradients). */
  private stale = false;

  constructor(
    readonly config: AcgConfig,
    values: ParamValues,
    readonly formulation: Formulation = 'reassociated',
  ) {
    this.params = new AcgParams(config, values);
    this.layout = flatLayout(this.params);
    this.master = new SharedArrayBuffer(this.layout.total * 4);
    this.masterViews = flatViews(this.layout, this.master);
    this.pullMaster();
  }

  private pullMaster(): void {
    for (const [name, data] of this.params.exportTf()) this.masterViews.get(name)?.set(data);
    this.stale = false;
  }

  private sync(): void {
    if (this.stale) this.params.assignTf(this.masterViews);
    this.stale = false;
  }

  predict(tokens: readonly Float32Array[], n: number): Prediction {
    this.sync();
    const f = batchFeatures(tokens, n, this.config.dim);
    try {
      let prediction: Prediction | undefined;
      // Not returned from tidy, which would walk every element of the typed arrays.
      tf.tidy(() => {
        const out = forward(this.params, f, this.formulation);
        prediction = { assignment: out.assignment.dataSync() as Float32Array, concepts: out.concepts.dataSync() as Float32Array };
      });
      return prediction!;
    } finally {
      f.dispose();
    }
  }

  /** The batch-mean modularity loss of the current weights (no update). */
  loss(tokens: readonly Float32Array[], n: number): number {
    this.sync();
    const f = batchFeatures(tokens, n, this.config.dim);
    try {
      return tf.tidy(() => modularityLoss(forward(this.params, f, this.formulation).assignment, modularityWeights(f)).dataSync()[0]);
    } finally {
      f.dispose();
    }
  }

  /** Loss and gradients, TF.js layout (Linear weights [in, out]), times `weight`; written into `out` when given. */
  gradientsTf(
    tokens: readonly Float32Array[],
    n: number,
    weight = 1,
    out?: ReadonlyMap<string, Float32Array>,
  ): GradientResult & { grads: ReadonlyMap<string, Float32Array> } {
    this.sync();
    const grads = out ?? new Map(this.layout.entries.map((e) => [e.name, new Float32Array(e.length)]));
    return { ...gradientsInto(this.params, tokens, n, this.formulation, weight, grads), grads };
  }

  /** Gradients of the loss w.r.t. every parameter, PyTorch layout (for tests and checks). */
  gradients(tokens: readonly Float32Array[], n: number): { loss: number; grads: ParamValues } {
    const { loss, grads } = this.gradientsTf(tokens, n);
    const out: ParamValues = {};
    for (const e of this.layout.entries) {
      const g = grads.get(e.name) as Float32Array;
      out[e.name] = e.shape.length === 2 && e.name !== 'prototypes' ? transpose(g, e.shape[0], e.shape[1]) : g;
    }
    return { loss, grads: out };
  }

  setOptimizer(opts: AdamWOptions, state?: OptimizerState): void {
    // Flat moments over SharedArrayBuffers in the master's layout, so an AdamWThread can take a share of the update.
    this.optimizer = new AdamW(opts, this.layout);
    if (state) this.optimizer.importState(state, this.masterViews);
  }

  /** The master weights (TF.js layout, views of `master`): what AdamW updates and other gradient engines read. */
  masterParams(): ReadonlyMap<string, Float32Array> {
    return this.masterViews;
  }

  /** Sets the learning rate of the next updates (a schedule calls it before each step). */
  setLearningRate(lr: number): void {
    if (!this.optimizer) throw new Error('TfAcg.setLearningRate: call setOptimizer first');
    this.optimizer.lr = lr;
  }

  /** The optimizer's flat moments (SharedArrayBuffers in the master's layout), for an AdamWThread. */
  optimizerBuffers(): { m: SharedArrayBuffer; v: SharedArrayBuffer } {
    const o = this.optimizer;
    if (!o?.flatM || !o.flatV) throw new Error('TfAcg.optimizerBuffers: call setOptimizer first');
    return { m: o.flatM.buffer as SharedArrayBuffer, v: o.flatV.buffer as SharedArrayBuffer };
  }

  /** One AdamW update with flat gradients (the master's layout), a share of it on `thread` when given. */
  async applyFlatGradients(grads: Float32Array, thread?: { update(lo: number, hi: number, step: AdamWStep): Promise<void> }): Promise<void> {
    if (!this.optimizer) throw new Error('TfAcg.applyFlatGradients: call setOptimizer first');
    await this.optimizer.applyFlat(new Float32Array(this.master), grads, thread ? (lo, hi, s) => thread.update(lo, hi, s) : undefined);
    this.stale = true;
  }

  /** One AdamW update of the master weights with gradients in TF.js layout (from gradientsTf or worker threads). */
  applyGradients(grads: ReadonlyMap<string, Float32Array>): void {
    if (!this.optimizer) throw new Error('TfAcg.applyGradients: call setOptimizer first');
    this.optimizer.apply(this.masterViews, grads);
    this.stale = true;
  }

  /** One AdamW step on a batch, in this thread; skips the update when anything is non-finite. */
  step(tokens: readonly Float32Array[], n: number): StepResult {
    if (!this.optimizer) throw new Error('TfAcg.step: call setOptimizer first');
    this.gradBuffer ??= new Map(this.layout.entries.map((e) => [e.name, new Float32Array(e.length)]));
    const r = this.gradientsTf(tokens, n, 1, this.gradBuffer);
    if (r.finite) this.applyGradients(r.grads);
    return { loss: r.loss, finite: r.finite };
  }

  exportParams(): ParamValues {
    this.sync();
    return this.params.export();
  }

  /** The master weights as one flat array (a view: AdamW's updates show through). */
  flatMaster(): Float32Array {
    return new Float32Array(this.master);
  }

  /** Replaces the weights with `flat` (the master's layout, e.g. a WeightAverage's values). */
  setFlatMaster(flat: Float32Array): void {
    new Float32Array(this.master).set(flat);
    this.stale = true;
  }

  /** `flat` (the master's layout) in PyTorch layout, as exportParams would give it; the weights are unchanged. */
  exportFlat(flat: Float32Array): ParamValues {
    const keep = Float32Array.from(this.flatMaster());
    this.setFlatMaster(flat);
    try {
      return this.exportParams();
    } finally {
      this.setFlatMaster(keep);
    }
  }

  importParams(values: ParamValues): void {
    this.params.assign(values);
    this.pullMaster();
  }

  /** AdamW's state; with `views` its own arrays, not copies (see AdamW.exportState). */
  exportOptimizer(views = false): OptimizerState | undefined {
    return this.optimizer?.exportState(views);
  }

  dispose(): void {
    this.params.dispose();
    this.optimizer = undefined;
  }
}

export { ensureBackend } from './backend.js';
export type { Formulation } from './model.js';
