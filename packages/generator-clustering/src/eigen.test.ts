import { describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { topEigenpairs } from './eigen.js';
import { gaussian, lcg } from '../test/helpers.js';

function symmetric(n: number, seed: number): Float64Array {
  const g = gaussian(lcg(seed));
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) M[i * n + j] = M[j * n + i] = g();
  return M;
}

/** Checks M v = λ v and orthonormality of the returned vectors, and the values against a dense decomposition. */
function check(M: Float64Array, n: number, k: number) {
  const { values, vectors } = topEigenpairs(M, n, k, 1);
  const dense = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(M.subarray(i * n, (i + 1) * n)))), {
    assumeSymmetric: true,
  });
  const ref = [...dense.realEigenvalues].sort((a, b) => b - a).slice(0, k);
  ref.forEach((v, j) => expect(values[j]).toBeCloseTo(v, 8));
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < n; i++) {
      let mv = 0;
      for (let t = 0; t < n; t++) mv += M[i * n + t] * vectors[t * k + j];
      expect(mv).toBeCloseTo(values[j] * vectors[i * k + j], 7);
    }
    for (let l = 0; l <= j; l++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += vectors[i * k + j] * vectors[i * k + l];
      expect(d).toBeCloseTo(l === j ? 1 : 0, 8);
    }
  }
}

describe('topEigenpairs', () => {
  it('matches a dense decomposition on random symmetric matrices', () => {
    check(symmetric(5, 1), 5, 2);
    check(symmetric(40, 2), 40, 5);
    check(symmetric(120, 3), 120, 6);
  });

  it('finds every copy of a repeated eigenvalue (block-diagonal matrix of equal blocks)', () => {
    const b = 10,
      blocks = 3,
      n = b * blocks;
    const block = symmetric(b, 9);
    const M = new Float64Array(n * n);
    for (let z = 0; z < blocks; z++) for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) M[(z * b + i) * n + z * b + j] = block[i * b + j];
    check(M, n, 4);
  });

  it('gives the analytic spectrum of the path-graph Laplacian tridiag(-1, 2, -1)', () => {
    const n = 30,
      k = 3;
    const M = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      M[i * n + i] = 2;
      if (i + 1 < n) M[i * n + i + 1] = M[(i + 1) * n + i] = -1;
    }
    const { values, vectors } = topEigenpairs(M, n, k);
    for (let j = 0; j < k; j++) {
      // λ_m = 2 − 2 cos(mπ/(n+1)), v_m(i) ∝ sin(i·mπ/(n+1)); largest m = n − j
      const m = n - j;
      expect(values[j]).toBeCloseTo(2 - 2 * Math.cos((m * Math.PI) / (n + 1)), 12);
      const v = Array.from({ length: n }, (_, i) => Math.sin(((i + 1) * m * Math.PI) / (n + 1)));
      const norm = Math.hypot(...v);
      // Its largest |entries| come in ± pairs, so the sign convention is a tie: compare up to sign.
      const sign = Math.sign(v.reduce((s, x, i) => s + x * vectors[i * k + j], 0));
      v.forEach((x, i) => expect(vectors[i * k + j]).toBeCloseTo((sign * x) / norm, 9));
    }
  });

  it('handles k = n and the identity', () => {
    check(symmetric(4, 5), 4, 4);
    const I = new Float64Array(9);
    I[0] = I[4] = I[8] = 1;
    check(I, 3, 2);
  });
});
