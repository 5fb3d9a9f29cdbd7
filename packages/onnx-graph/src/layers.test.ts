import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './builder.js';
import { attention, gelu, layerNorm, linear, splitHeads } from './layers.js';

/** Runs a graph of one float input `x` and one output `y`. */
async function run(g: GraphBuilder, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(g.encode({ name: 'g', producer: 'test' }));
  try {
    return (await s.run({ x: new ort.Tensor('float32', x, dims) })).y.data as Float32Array;
  } finally {
    await s.release();
  }
}

const seq = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

describe('layer emitters, each against a computation in plain JS', () => {
  it('linear: x·Wᵀ + b with a torch [out, in] weight, and without bias', async () => {
    const [M, inD, outD] = [3, 4, 2];
    const x = seq(M * inD, (i) => Math.sin(i));
    const w = seq(outD * inD, (i) => Math.cos(i * 0.7));
    const b = Float32Array.from([0.5, -1]);
    const want = (bias: boolean) =>
      seq(M * outD, (i) => {
        const [r, o] = [Math.floor(i / outD), i % outD];
        let s = bias ? b[o] : 0;
        for (let k = 0; k < inD; k++) s += x[r * inD + k] * w[o * inD + k];
        return s;
      });
    for (const bias of [true, false]) {
      const g = new GraphBuilder();
      g.op('Identity', [linear(g, g.input('x', 'float', [M, inD]), 'fc', w, inD, outD, bias ? b : undefined)], {}, 'y');
      g.output('y', 'float', [M, outD]);
      expect(maxDiff(await run(g, x, [M, inD]), want(bias))).toBeLessThan(1e-5);
    }
  });

  it('layerNorm: (x − mean)/√(var + eps)·γ + β over the last axis', async () => {
    const [M, d, eps] = [2, 5, 1e-5];
    const x = seq(M * d, (i) => i * i * 0.1 - 1);
    const gamma = seq(d, (i) => 1 + i * 0.1);
    const beta = seq(d, (i) => -i * 0.2);
    const want = seq(M * d, (i) => {
      const r = Math.floor(i / d);
      const row = x.subarray(r * d, (r + 1) * d);
      const mean = row.reduce((a, v) => a + v, 0) / d;
      const v = row.reduce((a, u) => a + (u - mean) ** 2, 0) / d;
      return ((x[i] - mean) / Math.sqrt(v + eps)) * gamma[i % d] + beta[i % d];
    });
    const g = new GraphBuilder();
    layerNorm(g, g.input('x', 'float', [M, d]), 'ln', gamma, beta, eps, 'y');
    g.output('y', 'float', [M, d]);
    expect(maxDiff(await run(g, x, [M, d]), want)).toBeLessThan(1e-5);
  });

  it('gelu: x·Φ(x) at points whose values are known (Φ from tables)', async () => {
    const g = new GraphBuilder();
    g.op('Identity', [gelu(g, g.input('x', 'float', [5]))], {}, 'y');
    g.output('y', 'float', [5]);
    // Φ(1) = 0.841344746, Φ(2) = 0.977249868, Φ(−1) = 0.158655254, Φ(0.5) = 0.691462461
    const got = await run(g, Float32Array.from([0, 1, 2, -1, 0.5]), [5]);
    expect(maxDiff(got, [0, 0.841344746, 2 * 0.977249868, -0.158655254, 0.5 * 0.691462461])).toBeLessThan(1e-6);
  });

  it('splitHeads + attention: masked multi-head softmax(q·kᵀ/√dh)·v, heads merged, brute force', async () => {
    const [T, h, dh] = [3, 2, 2];
    const d = h * dh;
    const x = seq(T * d, (i) => Math.sin(i * 1.3));
    const mask = Float32Array.from([0, -1e9, -1e9, 0, 0, -1e9, 0, 0, 0]); // causal
    const g = new GraphBuilder();
    const xi = g.input('x', 'float', [1, T, d]);
    const m = g.constant('mask', [T, T], mask);
    // q = x, k = 2x, v = x + 1 (as Mul/Add nodes): the test's own projections.
    const k = g.op('Mul', [xi, g.constant('two', [], Float32Array.from([2]))]);
    const v = g.op('Add', [xi, g.constant('one', [], Float32Array.from([1]))]);
    const split = [0, 0, h, dh];
    const a = attention(g, splitHeads(g, xi, split, [0, 2, 1, 3]), splitHeads(g, k, split, [0, 2, 3, 1]), splitHeads(g, v, split, [0, 2, 1, 3]), {
      headDim: dh,
      dim: d,
      mask: m,
      probs: 'p',
    });
    g.op('Identity', [a.out], {}, 'y');
    g.output('y', 'float', [1, T, d]);
    expect(a.probs).toBe('p');
    const want = new Float32Array(T * d);
    for (let hd = 0; hd < h; hd++)
      for (let t = 0; t < T; t++) {
        const logits = Array.from({ length: T }, (_, s) => {
          let dot = 0;
          for (let j = 0; j < dh; j++) dot += x[t * d + hd * dh + j] * 2 * x[s * d + hd * dh + j];
          return dot / Math.sqrt(dh) + mask[t * T + s];
        });
        const mx = Math.max(...logits);
        const e = logits.map((l) => Math.exp(l - mx));
        const z = e.reduce((p, q) => p + q, 0);
        for (let j = 0; j < dh; j++) want[t * d + hd * dh + j] = e.reduce((acc, w, s) => acc + (w / z) * (x[s * d + hd * dh + j] + 1), 0);
      }
    expect(maxDiff(await run(g, x, [1, T, d]), want)).toBeLessThan(1e-5);
  });
});
