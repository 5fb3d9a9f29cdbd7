import * as tf from '@tensorflow/tfjs-core';
import { modularityLoss, modularityWeights } from './loss.js';
import { batchFeatures, forward, type AcgParams, type Formulation } from './model.js';

export interface GradientResult {
  /** The batch-mean loss times `weight`. */
  loss: number;
  /** Whether the loss and every gradient are finite. */
  finite: boolean;
}

/**
 * Loss and gradients of a batch, times `weight` (a worker with B_w of the B images of a step passes B_w / B, so
 * that the workers' results add up to the full batch's mean). Gradients are written, in TF.js layout, into
 * `out` (one Float32Array per parameter, e.g. views of a SharedArrayBuffer). Parameters the loss does not depend
 * on (the cross-attention key bias cancels in the softmax) get zeros, so weight decay still applies to them as in
 * PyTorch.
 */
export function gradientsInto(
  params: AcgParams,
  tokens: readonly Float32Array[],
  n: number,
  formulation: Formulation,
  weight: number,
  out: ReadonlyMap<string, Float32Array>,
): GradientResult {
  const f = batchFeatures(tokens, n, params.config.dim);
  const vars = [...params.vars.values()];
  try {
    const w = modularityWeights(f);
    const { value, grads } = tf.variableGrads(() => modularityLoss(forward(params, f, formulation).assignment, w), vars);
    w.dispose();
    const loss = value.dataSync()[0] * weight;
    value.dispose();
    let finite = Number.isFinite(loss);
    for (const [name, v] of params.vars) {
      const target = out.get(name);
      if (!target) throw new Error(`gradientsInto: no buffer for ${name}`);
      const g = grads[v.name];
      if (!g) {
        target.fill(0);
        continue;
      }
      const data = g.dataSync() as Float32Array;
      g.dispose();
      for (let i = 0; i < data.length; i++) {
        const x = data[i] * weight;
        target[i] = x;
        if (!Number.isFinite(x)) finite = false;
      }
    }
    return { loss, finite };
  } finally {
    f.dispose();
  }
}

/** One Float32Array per parameter over a shared buffer, in a fixed order (the TF.js variables' order). */
export interface FlatLayout {
  entries: Array<{ name: string; shape: number[]; offset: number; length: number }>;
  total: number;
}

export function flatLayout(params: AcgParams): FlatLayout {
  let offset = 0;
  const entries = [...params.vars].map(([name, v]) => {
    const e = { name, shape: v.shape.slice(), offset, length: v.size };
    offset += v.size;
    return e;
  });
  return { entries, total: offset };
}

export function flatViews(layout: FlatLayout, buffer: SharedArrayBuffer | ArrayBuffer): Map<string, Float32Array> {
  return new Map(layout.entries.map((e) => [e.name, new Float32Array(buffer, e.offset * 4, e.length)]));
}
