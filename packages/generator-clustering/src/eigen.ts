import { AcsegError } from '@acseg/core';
import { Rng } from './rng.js';

export interface Eigenpairs {
  /** Largest eigenvalues first. */
  values: Float64Array;
  /** n × k row-major: column j is the unit eigenvector of values[j], its largest entry (by magnitude) positive. */
  vectors: Float64Array;
}

const EPS = 2.220446049250313e-16;

/**
 * The k algebraically largest eigenpairs of a symmetric n × n matrix (row-major):
 * Householder reduction to tridiagonal form, bisection (Sturm counts) for the
 * k eigenvalues, inverse iteration for their tridiagonal eigenvectors
 * (re-orthogonalized within groups of close eigenvalues, as LAPACK's dstein),
 * then the reflections applied back. Hand-written because a full dense
 * decomposition (ml-matrix's EigenvalueDecomposition) costs ≈ 75 ms at
 * n = 196 and computes all n vectors where spectral clustering needs k.
 * Sign convention of sklearn's spectral embedding: largest |entry| positive.
 */
export function topEigenpairs(M: ArrayLike<number>, n: number, k: number, seed = 0): Eigenpairs {
  if (M.length !== n * n) throw new AcsegError('BAD_INPUT', `topEigenpairs: matrix holds ${M.length} values, expected ${n}×${n}`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new AcsegError('BAD_INPUT', `topEigenpairs: k must be an integer in 1..${n}, got ${k}`);
  const { diag, off, reflectors } = tridiagonalize(M, n);
  let tnorm = 0;
  for (let i = 0; i < n; i++) tnorm = Math.max(tnorm, Math.abs(diag[i]) + (i > 0 ? Math.abs(off[i - 1]) : 0) + (i < n - 1 ? Math.abs(off[i]) : 0));
  const values = new Float64Array(k);
  for (let j = 0; j < k; j++) values[j] = kthEigenvalue(diag, off, n - 1 - j, tnorm);
  const ys = tridiagonalVectors(diag, off, values, tnorm, new Rng(seed));
  const vectors = new Float64Array(n * k);
  ys.forEach((y, j) => {
    applyReflectors(reflectors, y);
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(y[i]) > Math.abs(big)) big = y[i];
    const s = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) vectors[i * k + j] = s * y[i];
  });
  return { values, vectors };
}

interface Tridiagonal {
  diag: Float64Array;
  /** off[i] = T[i+1][i]. */
  off: Float64Array;
  /** Householder vectors v (with their start row) such that A = H Tᵀ H, H = H_0 ⋯ H_{n-3}, H_s = I − 2 v vᵀ / vᵀv. */
  reflectors: Array<{ start: number; v: Float64Array; scale: number }>;
}

function tridiagonalize(M: ArrayLike<number>, n: number): Tridiagonal {
  const A = Float64Array.from(M as ArrayLike<number>);
  const diag = new Float64Array(n);
  const off = new Float64Array(Math.max(0, n - 1));
  const reflectors: Tridiagonal['reflectors'] = [];
  const p = new Float64Array(n);
  for (let s = 0; s < n - 2; s++) {
    const start = s + 1,
      m = n - start;
    const v = new Float64Array(m);
    let norm = 0;
    for (let i = 0; i < m; i++) {
      v[i] = A[(start + i) * n + s];
      norm += v[i] * v[i];
    }
    norm = Math.sqrt(norm);
    const alpha = v[0] >= 0 ? -norm : norm;
    v[0] -= alpha;
    let vv = 0;
    for (let i = 0; i < m; i++) vv += v[i] * v[i];
    if (vv <= EPS * EPS * Math.max(norm * norm, Number.MIN_VALUE) || norm === 0) {
      // Column already reduced: no reflection.
      off[s] = A[start * n + s];
      continue;
    }
    off[s] = alpha;
    const beta = 2 / vv;
    // p = β A' v,  K = β pᵀv / 2,  q = p − K v,  A' ← A' − v qᵀ − q vᵀ  (A' the trailing block;
    // only its lower triangle is read and kept up to date)
    p.fill(0, 0, m);
    for (let i = 0; i < m; i++) {
      const o = (start + i) * n + start;
      const vi = v[i];
      let sum = 0;
      for (let j = 0; j < i; j++) {
        const a = A[o + j];
        sum += a * v[j];
        p[j] += a * vi;
      }
      p[i] += sum + A[o + i] * vi;
    }
    let pv = 0;
    for (let i = 0; i < m; i++) {
      p[i] *= beta;
      pv += p[i] * v[i];
    }
    const K = (beta * pv) / 2;
    for (let i = 0; i < m; i++) p[i] -= K * v[i];
    for (let i = 0; i < m; i++) {
      const o = (start + i) * n + start;
      const vi = v[i],
        qi = p[i];
      for (let j = 0; j <= i; j++) A[o + j] -= vi * p[j] + qi * v[j];
    }
    reflectors.push({ start, v, scale: beta });
  }
  for (let i = 0; i < n; i++) diag[i] = A[i * n + i];
  if (n >= 2) off[n - 2] = A[(n - 1) * n + n - 2];
  return { diag, off, reflectors };
}

/** y ← H_0 ⋯ H_{n-3} y. */
function applyReflectors(reflectors: Tridiagonal['reflectors'], y: Float64Array): void {
  for (let r = reflectors.length - 1; r >= 0; r--) {
    const { start, v, scale } = reflectors[r];
    let d = 0;
    for (let i = 0; i < v.length; i++) d += v[i] * y[start + i];
    d *= scale;
    for (let i = 0; i < v.length; i++) y[start + i] -= d * v[i];
  }
}

/** Number of eigenvalues of the tridiagonal matrix below x (Sturm sequence). */
function countBelow(diag: Float64Array, off: Float64Array, x: number, pivmin: number): number {
  let count = 0;
  let q = diag[0] - x;
  if (Math.abs(q) < pivmin) q = -pivmin;
  if (q < 0) count++;
  for (let i = 1; i < diag.length; i++) {
    q = diag[i] - x - (off[i - 1] * off[i - 1]) / q;
    if (Math.abs(q) < pivmin) q = -pivmin;
    if (q < 0) count++;
  }
  return count;
}

/** The r-th smallest eigenvalue (0-based) by bisection inside the Gershgorin interval. */
function kthEigenvalue(diag: Float64Array, off: Float64Array, r: number, tnorm: number): number {
  let lo = -tnorm - 1e-300,
    hi = tnorm + 1e-300;
  const pivmin = Math.max(Number.MIN_VALUE, EPS * EPS * tnorm * tnorm) || Number.MIN_VALUE;
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (countBelow(diag, off, mid, pivmin) > r) hi = mid;
    else lo = mid;
    if (hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi)) + 1e-300) break;
  }
  return 0.5 * (lo + hi);
}

/** Eigenvectors of the tridiagonal matrix for the given eigenvalues (inverse iteration). */
function tridiagonalVectors(diag: Float64Array, off: Float64Array, values: Float64Array, tnorm: number, rng: Rng): Float64Array[] {
  const n = diag.length;
  const out: Float64Array[] = [];
  const cluster = 1e-3 * tnorm;
  let groupStart = 0;
  const tiny = Math.max(EPS * tnorm, Number.MIN_VALUE);
  for (let j = 0; j < values.length; j++) {
    if (j > 0 && Math.abs(values[j] - values[j - 1]) > cluster) groupStart = j;
    const lambda = values[j];
    const f = factor(diag, off, lambda, tiny);
    let y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = rng.next() - 0.5;
    for (let it = 0; it < 5; it++) {
      solve(f, y);
      for (let g = groupStart; g < j; g++) {
        const q = out[g];
        let d = 0;
        for (let i = 0; i < n; i++) d += y[i] * q[i];
        for (let i = 0; i < n; i++) y[i] -= d * q[i];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += y[i] * y[i];
      norm = Math.sqrt(norm);
      if (!(norm > 0) || !Number.isFinite(norm)) {
        y = new Float64Array(n);
        for (let i = 0; i < n; i++) y[i] = rng.next() - 0.5;
        continue;
      }
      for (let i = 0; i < n; i++) y[i] /= norm;
    }
    out.push(y);
  }
  return out;
}

interface TriLU {
  dl: Float64Array;
  d: Float64Array;
  du: Float64Array;
  du2: Float64Array;
  swap: Uint8Array;
}

/** LU with partial pivoting of T − λI (LAPACK dgttrf); zero pivots become `tiny`. */
function factor(diag: Float64Array, off: Float64Array, lambda: number, tiny: number): TriLU {
  const n = diag.length;
  const d = diag.map((v) => v - lambda);
  const dl = Float64Array.from(off);
  const du = Float64Array.from(off);
  const du2 = new Float64Array(Math.max(0, n - 2));
  const swap = new Uint8Array(Math.max(0, n - 1));
  for (let i = 0; i < n - 1; i++) {
    if (Math.abs(d[i]) >= Math.abs(dl[i])) {
      if (d[i] !== 0) {
        const fact = dl[i] / d[i];
        dl[i] = fact;
        d[i + 1] -= fact * du[i];
      }
    } else {
      const fact = d[i] / dl[i];
      d[i] = dl[i];
      dl[i] = fact;
      const temp = du[i];
      du[i] = d[i + 1];
      d[i + 1] = temp - fact * d[i + 1];
      if (i < n - 2) {
        du2[i] = du[i + 1];
        du[i + 1] = -fact * du[i + 1];
      }
      swap[i] = 1;
    }
  }
  for (let i = 0; i < n; i++) if (Math.abs(d[i]) < tiny) d[i] = d[i] < 0 ? -tiny : tiny;
  return { dl, d, du, du2, swap };
}

function solve(f: TriLU, b: Float64Array): void {
  const n = b.length;
  const { dl, d, du, du2, swap } = f;
  for (let i = 0; i < n - 1; i++) {
    if (!swap[i]) b[i + 1] -= dl[i] * b[i];
    else {
      const temp = b[i];
      b[i] = b[i + 1];
      b[i + 1] = temp - dl[i] * b[i];
    }
  }
  b[n - 1] /= d[n - 1];
  if (n > 1) b[n - 2] = (b[n - 2] - du[n - 2] * b[n - 1]) / d[n - 2];
  for (let i = n - 3; i >= 0; i--) b[i] = (b[i] - du[i] * b[i + 1] - du2[i] * b[i + 2]) / d[i];
}
