import { AcsegError } from '@acseg/core';
import { Rng } from './rng.js';
import { squaredDistances, toPoints, type PointsLike } from './points.js';

export interface AffinityPropagationOptions {
  /** Damping of the messages, in [0.5, 1) (default 0.5, sklearn). */
  damping?: number;
  /** Iteration limit (default 200, sklearn). */
  maxIter?: number;
  /** Stop when the exemplars have not changed for this many iterations (default 15, sklearn). */
  convergenceIter?: number;
  /** Self-similarity of every point; larger gives more clusters (default: the median similarity, sklearn). */
  preference?: number;
  /** Seed of the tiny noise that breaks ties between equal similarities (default 0). */
  seed?: number;
}

export interface AffinityPropagationResult {
  /** Cluster of each point, 0..K-1 (K = exemplars.length). */
  labels: Int32Array;
  /** Index of each cluster's exemplar point. */
  exemplars: Int32Array;
  iterations: number;
  /** False when maxIter ran out before the exemplars settled (the last exemplars are used). */
  converged: boolean;
}

const EPS = 2.220446049250313e-16;
const TINY = 2.2250738585072014e-308;

/** Median (numpy's: mean of the two middle values for an even count), by quickselect in O(n) on average. */
export function median(values: Float64Array): number {
  const a = Float64Array.from(values);
  const n = a.length;
  const m = n >> 1;
  select(a, m);
  if (n % 2) return a[m];
  // a[m] is in place and everything before it is ≤ a[m]: the other middle value is the largest of those.
  let lower = -Infinity;
  for (let i = 0; i < m; i++) if (a[i] > lower) lower = a[i];
  return (lower + a[m]) / 2;
}

/** Hoare's quickselect: reorders a so that a[k] is the k-th smallest, smaller ones before it. */
function select(a: Float64Array, k: number): void {
  let lo = 0,
    hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo,
      j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/**
 * Affinity propagation (Frey & Dueck 2007) as scikit-learn implements it:
 * similarity −‖x_i − x_j‖², preference = median of all similarities,
 * tie-breaking noise (ε·s + 100·tiny)·N(0, 1), damped responsibility and
 * availability updates, convergence when the exemplar set is unchanged for
 * `convergenceIter` iterations, then exemplar refinement within clusters.
 * Differs from sklearn only when it does not converge: sklearn then labels
 * every point −1; here the last exemplars are used (or one cluster if none).
 */
export function affinityPropagation(points: PointsLike, options: AffinityPropagationOptions = {}): AffinityPropagationResult {
  const p = toPoints(points, 'affinity propagation');
  const n = p.rows;
  const { damping = 0.5, maxIter = 200, convergenceIter = 15, seed = 0 } = options;
  if (!(damping >= 0.5 && damping < 1)) throw new AcsegError('BAD_CONFIG', `affinity propagation: damping must be in [0.5, 1), got ${damping}`);
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new AcsegError('BAD_CONFIG', `affinity propagation: maxIter must be a positive integer, got ${maxIter}`);
  if (!Number.isInteger(convergenceIter) || convergenceIter < 1)
    throw new AcsegError('BAD_CONFIG', `affinity propagation: convergenceIter must be a positive integer, got ${convergenceIter}`);
  const S = squaredDistances(p);
  for (let i = 0; i < S.length; i++) S[i] = -S[i];
  const preference = options.preference ?? median(S);
  if (!Number.isFinite(preference)) throw new AcsegError('BAD_CONFIG', `affinity propagation: preference must be a finite number, got ${preference}`);
  if (n === 1) return { labels: new Int32Array(1), exemplars: new Int32Array(1), iterations: 0, converged: true };
  for (let i = 0; i < n; i++) S[i * n + i] = preference;
  // sklearn: S += (eps * S + tiny * 100) * randn(n, n)
  const rng = new Rng(seed);
  for (let i = 0; i < S.length; i++) S[i] += (EPS * S[i] + TINY * 100) * rng.normal();

  const R = new Float64Array(n * n);
  const A = new Float64Array(n * n);
  const colSum = new Float64Array(n);
  const history = new Uint8Array(n * convergenceIter);
  const E = new Uint8Array(n);
  const keep = 1 - damping;
  let converged = false;
  let it = 0;
  for (; it < maxIter; it++) {
    // Responsibilities: r(i,k) = s(i,k) − max_{k'≠k} (a(i,k') + s(i,k')).
    colSum.fill(0);
    for (let i = 0; i < n; i++) {
      const o = i * n;
      let best = -Infinity,
        second = -Infinity,
        arg = 0;
      for (let k = 0; k < n; k++) {
        const v = A[o + k] + S[o + k];
        if (v > second) {
          if (v > best) {
            second = best;
            best = v;
            arg = k;
          } else second = v;
        }
      }
      const rArg = damping * R[o + arg] + keep * (S[o + arg] - second);
      for (let k = 0; k < n; k++) R[o + k] = damping * R[o + k] + keep * (S[o + k] - best);
      R[o + arg] = rArg;
      // Column sums of max(0, r) for the availabilities, while the row is in cache.
      for (let k = 0; k < n; k++) {
        const r = R[o + k];
        colSum[k] += r > 0 ? r : 0;
      }
    }
    // Availabilities: a(i,k) = min(0, r(k,k) + Σ_{i'∉{i,k}} max(0, r(i',k))), a(k,k) = Σ_{i'≠k} max(0, r(i',k)).
    for (let k = 0; k < n; k++) {
      const r = R[k * n + k];
      colSum[k] += r > 0 ? 0 : r; // the diagonal counts as r(k,k), not max(0, r(k,k))
    }
    for (let i = 0; i < n; i++) {
      const o = i * n;
      const aDiag = damping * A[o + i] + keep * (colSum[i] - R[o + i]);
      for (let k = 0; k < n; k++) {
        const r = R[o + k];
        const a = colSum[k] - (r > 0 ? r : 0);
        A[o + k] = damping * A[o + k] + keep * (a < 0 ? a : 0);
      }
      A[o + i] = aDiag;
    }
    let K = 0;
    for (let i = 0; i < n; i++) {
      E[i] = A[i * n + i] + R[i * n + i] > 0 ? 1 : 0;
      K += E[i];
      history[i * convergenceIter + (it % convergenceIter)] = E[i];
    }
    if (it >= convergenceIter) {
      let stable = true;
      for (let i = 0; i < n && stable; i++) {
        let s = 0;
        for (let t = 0; t < convergenceIter; t++) s += history[i * convergenceIter + t];
        if (s !== 0 && s !== convergenceIter) stable = false;
      }
      if (stable && K > 0) {
        converged = true;
        it++;
        break;
      }
    }
  }
  return finish(S, n, E, it, converged);
}

/** sklearn's post-processing: assign to the most similar exemplar, refine each cluster's exemplar, assign again. */
function finish(S: Float64Array, n: number, E: Uint8Array, iterations: number, converged: boolean): AffinityPropagationResult {
  let I: number[] = [];
  for (let i = 0; i < n; i++) if (E[i]) I.push(i);
  if (I.length === 0) {
    // No exemplar: one cluster around the point most similar to all others.
    let best = 0,
      bestSum = -Infinity;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += S[i * n + j];
      if (s > bestSum) {
        bestSum = s;
        best = j;
      }
    }
    return { labels: new Int32Array(n), exemplars: Int32Array.of(best), iterations, converged: false };
  }
  const assignTo = (ex: number[]): Int32Array => {
    const c = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let b = 0;
      for (let e = 1; e < ex.length; e++) if (S[i * n + ex[e]] > S[i * n + ex[b]]) b = e;
      c[i] = b;
    }
    ex.forEach((x, e) => (c[x] = e));
    return c;
  };
  let c = assignTo(I);
  I = I.map((_, e) => {
    const members: number[] = [];
    for (let i = 0; i < n; i++) if (c[i] === e) members.push(i);
    let best = members[0],
      bestSum = -Infinity;
    for (const j of members) {
      let s = 0;
      for (const i of members) s += S[i * n + j];
      if (s > bestSum) {
        bestSum = s;
        best = j;
      }
    }
    return best;
  });
  c = assignTo(I);
  // labels = I[c], then renumbered by sorted exemplar index (np.unique + searchsorted).
  const exemplars = [...new Set(Array.from(c, (e) => I[e]))].sort((a, b) => a - b);
  const pos = new Map(exemplars.map((x, j) => [x, j]));
  const labels = Int32Array.from(c, (e) => pos.get(I[e])!);
  return { labels, exemplars: Int32Array.from(exemplars), iterations, converged };
}
