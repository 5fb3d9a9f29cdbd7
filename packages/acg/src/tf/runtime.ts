import * as tf from '@tensorflow/tfjs-core';
import type { AcgConfig, ParamValues } from '../config.js';
import type { OptimizerState } from '../checkpoint.js';
import { AdamW, type AdamWOptions } from './adamw.js';
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

  constructor(readonly config: AcgConfig, values: ParamValues, readonly formulation: Formulation = 'reassociated') {
    this.params = new AcgParams(config, values);
  }

  predict(tokens: readonly Float32Array[], n: number): Prediction {
    const f = batchFeatures(tokens, n, this.config.dim);
    try {
      return tf.tidy(() => {
        const out = forward(this.params, f, this.formulation);
        return { assignment: out.assignment.dataSync() as Float32Array, concepts: out.concepts.dataSync() as Float32Array };
      });
    } finally {
      f.dispose();
    }
  }

  /** The batch-mean modularity loss of the current weights (no update). */
  loss(tokens: readonly Float32Array[], n: number): number {
    const f = batchFeatures(tokens, n, this.config.dim);
    try {
      return tf.tidy(() => modularityLoss(forward(this.params, f, this.formulation).assignment, modularityWeights(f)).dataSync()[0]);
    } finally {
      f.dispose();
    }
  }

  /** Gradients of the loss w.r.t. every parameter, PyTorch layout (for tests and checks). */
  gradients(tokens: readonly Float32Array[], n: number): { loss: number; grads: ParamValues } {
    const f = batchFeatures(tokens, n, this.config.dim);
    try {
      return tf.tidy(() => {
        const w = modularityWeights(f);
        const { value, grads } = tf.variableGrads(() => modularityLoss(forward(this.params, f, this.formulation).assignment, w), [...this.params.vars.values()]);
        const out: ParamValues = {};
        for (const [name, v] of this.params.vars) {
          const g = grads[v.name] ?? tf.zerosLike(v); // the key bias cancels in the re-associated form
          const isLinear = v.shape.length === 2 && name !== 'prototypes';
          out[name] = (isLinear ? tf.transpose(g) : g).dataSync() as Float32Array;
        }
        return { loss: value.dataSync()[0], grads: out };
      });
    } finally {
      f.dispose();
    }
  }

  setOptimizer(opts: AdamWOptions, state?: OptimizerState): void {
    this.optimizer?.dispose();
    this.optimizer = new AdamW(opts);
    if (state) this.optimizer.importState(state, this.params.vars);
  }

  /** One AdamW step on a batch; skips the update when anything is non-finite. */
  step(tokens: readonly Float32Array[], n: number): StepResult {
    if (!this.optimizer) throw new Error('TfAcg.step: call setOptimizer first');
    const f = batchFeatures(tokens, n, this.config.dim);
    const vars = [...this.params.vars.values()];
    try {
      const w = modularityWeights(f);
      const { value, grads } = tf.variableGrads(() => modularityLoss(forward(this.params, f, this.formulation).assignment, w), vars);
      w.dispose();
      // Parameters the loss does not depend on (the cross-attention key bias cancels in softmax) get a zero gradient,
      // so weight decay still applies to them as in PyTorch.
      for (const v of vars) grads[v.name] ??= tf.zerosLike(v);
      const gradSq = tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))).dataSync()[0]);
      const loss = value.dataSync()[0];
      value.dispose();
      const finite = Number.isFinite(loss) && Number.isFinite(gradSq);
      if (finite) this.optimizer.apply(this.params.vars, grads);
      for (const g of Object.values(grads)) g.dispose();
      return { loss, finite };
    } finally {
      f.dispose();
    }
  }

  exportParams(): ParamValues {
    return this.params.export();
  }

  importParams(values: ParamValues): void {
    this.params.assign(values);
  }

  exportOptimizer(): OptimizerState | undefined {
    return this.optimizer?.exportState();
  }

  dispose(): void {
    this.params.dispose();
    this.optimizer?.dispose();
  }
}

export { ensureBackend } from './backend.js';
export type { Formulation } from './model.js';
