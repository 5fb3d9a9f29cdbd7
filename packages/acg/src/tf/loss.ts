import * as tf from '@tensorflow/tfjs-core';
import type { BatchFeatures } from './model.js';

/**
 * W_ij / 2m per image (method notes §3), a constant of the frozen features:
 * A = max(0, X̂ X̂ᵀ) with the diagonal kept, k = A·1, 2m = Σ A,
 * W = A − k kᵀ / 2m. Returns [B, n, n], already divided by 2m.
 */
export function modularityWeights(f: BatchFeatures): tf.Tensor3D {
  return tf.tidy(() => {
    const a = tf.relu(f.timesNormT(f.xNorm)); // [B, n, n]
    const deg = tf.sum(a, 2, true); // [B, n, 1]
    const twoM = tf.sum(deg, 1, true); // [B, 1, 1]
    const w = tf.sub(a, tf.div(tf.mul(deg, tf.transpose(deg, [0, 2, 1])), twoM));
    return tf.div(w, twoM) as tf.Tensor3D;
  });
}

/**
 * The modularity loss (paper eq. 10, method notes §3), mean over the batch:
 * L_b = −(1/2m) Σ_ij W_ij max_c S̄_ic S̄_jc with S̄ = max(0, S).
 * `s` is [B, n, k]; `wOver2m` is modularityWeights(...), a constant.
 *
 * The pair maximum runs in JS (float64) with a hand-written gradient that
 * flows through the maximizing c of each pair only:
 * ∂L/∂S_ic = −(2/B) [S_ic > 0] Σ_j W_ij/2m · [c = c*(i,j)] S̄_jc (W and δ are
 * symmetric). TF.js's own max gradient needs a broadcast Equal over
 * [B, n, n, k] that takes seconds on WASM.
 */
export function modularityLoss(s: tf.Tensor3D, wOver2m: tf.Tensor3D): tf.Scalar {
  const [batch, n, k] = s.shape;
  const f = tf.customGrad(((sIn: tf.Tensor3D, save: tf.GradSaveFunc) => {
    let B = batch;
    const sv = sIn.dataSync() as Float32Array;
    const wv = wOver2m.dataSync() as Float32Array;
    const grad = new Float32Array(B * n * k);
    let total = 0;
    // NaN/Inf anywhere (overflowing features, diverged weights) must surface as a NaN loss.
    let finite = true;
    for (let t = 0; t < sv.length && finite; t++) finite = Number.isFinite(sv[t]);
    for (let t = 0; t < wv.length && finite; t++) finite = Number.isFinite(wv[t]);
    if (!finite) {
      total = NaN;
      grad.fill(NaN);
      B = 0;
    }
    const sb = new Float64Array(n * k);
    for (let b = 0; b < B; b++) {
      const so = b * n * k;
      const wo = b * n * n;
      for (let t = 0; t < n * k; t++) sb[t] = sv[so + t] > 0 ? sv[so + t] : 0;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const ri = i * k;
        for (let j = 0; j < n; j++) {
          const rj = j * k;
          let best = 0;
          let bestC = -1;
          for (let c = 0; c < k; c++) {
            const v = sb[ri + c] * sb[rj + c];
            if (v > best) {
              best = v;
              bestC = c;
            }
          }
          if (bestC < 0) continue; // δ_ij = 0, no gradient
          const w = wv[wo + i * n + j];
          sum += w * best;
          // d(w·S̄_ic S̄_jc)/dS̄_ic = w·S̄_jc; the (j, i) term adds the same, hence the 2.
          if (sv[so + ri + bestC] > 0) grad[so + ri + bestC] -= (2 * w * sb[rj + bestC]) / batch;
        }
      }
      total -= sum;
    }
    const g = tf.tensor3d(grad, [batch, n, k]);
    save([g]);
    return {
      value: tf.scalar(total / batch),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(s) as tf.Scalar;
}
