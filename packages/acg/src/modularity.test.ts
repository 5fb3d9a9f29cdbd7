import * as tf from '@tensorflow/tfjs-core';
import { silentLogger } from '@acseg/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { modularityLossReference } from './testing/modularity-reference.js';
import { Rng } from './model/rng.js';
import { ensureBackend } from './tf/backend.js';
import { modularityLoss, modularityWeights } from './tf/loss.js';
import { batchFeatures } from './tf/model.js';

beforeAll(async () => {
  await ensureBackend(silentLogger);
});

/** TF.js loss for images given as n × d features and n × k assignments. */
function tfLoss(xs: Float32Array[], ss: Float32Array[], n: number, d: number, k: number): number {
  const f = batchFeatures(xs, n, d);
  const flat = new Float32Array(xs.length * n * k);
  ss.forEach((s, b) => flat.set(s, b * n * k));
  const value = tf.tidy(() => modularityLoss(tf.tensor3d(flat, [xs.length, n, k]), modularityWeights(f)).dataSync()[0]);
  f.dispose();
  return value;
}

// Case 1 (by hand): x1 = x2 = (1, 0), x3 = (0, 1).
//   A = [[1,1,0],[1,1,0],[0,0,1]], k = (2, 2, 1), 2m = 5,
//   W = A − k kᵀ/5 = [[.2,.2,−.4],[.2,.2,−.4],[−.4,−.4,.8]].
const X1 = new Float32Array([1, 0, 1, 0, 0, 1]);

describe('modularityLoss', () => {
  it('hard partition {1,2},{3}: L = −(.2·4 + .8)/5 = −0.32 (the classic modularity Q, negated)', () => {
    const s = new Float32Array([1, 0, 1, 0, 0, 1]);
    expect(modularityLossReference(X1, s, 3, 2, 2)).toBeCloseTo(-0.32, 12);
    expect(tfLoss([X1], [s], 3, 2, 2)).toBeCloseTo(-0.32, 6);
  });

  it('one concept for everything: δ ≡ 1, Σ W = 2m − (2m)²/2m = 0', () => {
    const s = new Float32Array([1, 1, 1]);
    expect(modularityLossReference(X1, s, 3, 2, 1)).toBeCloseTo(0, 12);
    expect(tfLoss([X1], [s], 3, 2, 1)).toBeCloseTo(0, 6);
  });

  it('soft assignment with negative entries (S̄ = max(0, S)) and the max over c', () => {
    // S = [[.5, −1], [1, .2], [0, .9]] → S̄ = [[.5, 0], [1, .2], [0, .9]]
    // δ11 = .25, δ12 = max(.5, 0) = .5, δ13 = 0, δ22 = max(1, .04) = 1, δ23 = max(0, .18) = .18, δ33 = .81
    // Σ W δ = .2·.25 + 2·.2·.5 + 0 + .2·1 + 2·(−.4)·.18 + .8·.81 = .954 → L = −.954/5 = −.1908
    const s = [0.5, -1, 1, 0.2, 0, 0.9];
    expect(modularityLossReference(X1, s, 3, 2, 2)).toBeCloseTo(-0.1908, 12);
    expect(tfLoss([X1], [Float32Array.from(s)], 3, 2, 2)).toBeCloseTo(-0.1908, 6);
  });

  it('negative cosines are truncated to 0; four nodes, partition {1,2,4},{3}: L = −1/4', () => {
    // x = (1,0), (0,1), (−1,0), (1,1); r = 1/√2. A: A14 = A24 = r, every other off-diagonal 0 (cos ≤ 0).
    // Cluster {1,2,4}: Σ A = 3 + 4r, Σ k = 3 + 4r; cluster {3}: 1, 1; 2m = 4 + 4r.
    // Σ W δ = (4 + 4r) − ((3 + 4r)² + 1)/(4 + 4r) and (3 + 4r)² + 1 = 0.75 (4 + 4r)², so L = −(1 − .75) = −.25.
    const x = new Float32Array([1, 0, 0, 1, -1, 0, 1, 1]);
    const s = new Float32Array([1, 0, 1, 0, 0, 1, 1, 0]);
    expect(modularityLossReference(x, s, 4, 2, 2)).toBeCloseTo(-0.25, 12);
    expect(tfLoss([x], [s], 4, 2, 2)).toBeCloseTo(-0.25, 6);
  });

  it('normalizes per image by its own 2m and averages over the batch', () => {
    const x2 = new Float32Array([1, 0, 0, 1, -1, 0, 1, 1, 3, 1, 0, 2]);
    const s1 = new Float32Array([0.5, -1, 1, 0.2, 0, 0.9]);
    // Different n per image is not batched; pad the first image's case to the second's n by using two 3-node images.
    const s2 = new Float32Array([1, 0, 1, 0, 0, 1]);
    const x3 = x2.subarray(0, 6);
    const expected = (modularityLossReference(X1, s1, 3, 2, 2) + modularityLossReference(x3, s2, 3, 2, 2)) / 2;
    expect(tfLoss([X1, x3.slice()], [s1, s2], 3, 2, 2)).toBeCloseTo(expected, 6);
  });

  it('matches the float64 reference on random features, and its gradient w.r.t. S matches central differences', () => {
    const rng = new Rng(7);
    const B = 2,
      n = 10,
      d = 6,
      k = 3;
    const xs = Array.from({ length: B }, () => Float32Array.from({ length: n * d }, () => rng.normal()));
    const ss = Array.from({ length: B }, () => Float32Array.from({ length: n * k }, () => rng.uniform(-0.5, 1)));
    const ref = (sets: Float32Array[] | Float64Array[]) => sets.reduce((acc, s, b) => acc + modularityLossReference(xs[b], s, n, d, k), 0) / B;
    expect(tfLoss(xs, ss, n, d, k)).toBeCloseTo(ref(ss), 5);

    const f = batchFeatures(xs, n, d);
    const flat = new Float32Array(B * n * k);
    ss.forEach((s, b) => flat.set(s, b * n * k));
    const grad = tf.tidy(() => {
      const w = modularityWeights(f);
      return tf
        .grad((s: tf.Tensor) => modularityLoss(s as tf.Tensor3D, w))(tf.tensor3d(flat, [B, n, k]))
        .dataSync()
        .slice();
    });
    f.dispose();
    const h = 1e-6;
    let maxErr = 0;
    let maxAbs = 0;
    for (let idx = 0; idx < B * n * k; idx++) {
      const b = Math.floor(idx / (n * k));
      const plus = ss.map((s) => Float64Array.from(s));
      const minus = ss.map((s) => Float64Array.from(s));
      plus[b][idx % (n * k)] += h;
      minus[b][idx % (n * k)] -= h;
      const fd = (ref(plus) - ref(minus)) / (2 * h);
      maxErr = Math.max(maxErr, Math.abs(fd - grad[idx]));
      maxAbs = Math.max(maxAbs, Math.abs(fd));
    }
    expect(maxAbs).toBeGreaterThan(1e-3);
    expect(maxErr).toBeLessThan(1e-5);
  });
});
