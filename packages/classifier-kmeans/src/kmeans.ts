import { AcsegError } from '@acseg/core';
import { seededRandom } from './rng.js';

/**
 * k-means over row-major Float32 data (Lloyd's algorithm, greedy k-means++
 * initialization as in scikit-learn). Hand-written rather than ml-kmeans:
 * ml-kmeans 7 takes number[][] rows, allocates a row per distance in its
 * k-means++ and needs ~5× the CPU time of this one on 4000 × 384 points,
 * K = 20 (bench/kmeans.ts), keeps duplicated centroids for empty clusters
 * and refuses K > points. This one works on typed arrays, relocates empty
 * clusters, and stops at fewer centroids when the data has fewer distinct
 * points than K. The tests check its Lloyd steps against ml-kmeans.
 */
export interface KMeansOptions {
  /** Number of clusters wanted. */
  k: number;
  /** Seed of the k-means++ draws. Default 0. */
  seed?: number;
  /** Restarts from new k-means++ draws; the lowest inertia wins. Default 1. */
  nInit?: number;
  /** Lloyd iterations at most. Default 300 (scikit-learn). */
  maxIterations?: number;
  /** Stop when the summed squared centroid shift ≤ tolerance × mean per-feature variance. Default 1e-4 (scikit-learn). */
  tolerance?: number;
  /** k-means++ candidates per centre. Default 2 + ⌊ln k⌋ (scikit-learn). */
  localTrials?: number;
}

export interface KMeansResult {
  /** Centroids found, k × dim row-major (k ≤ the k asked for: see `kmeansPlusPlus`). */
  centroids: Float32Array;
  k: number;
  dim: number;
  /** Cluster of each point. */
  assignments: Int32Array;
  /** Sum of squared distances of the points to their centroids. */
  inertia: number;
  iterations: number;
  converged: boolean;
}

/** Squared distance from point `i` of the data to a centre (one monomorphic loop: the hot path). */
function pointToCentre(data: Float32Array, i: number, c: Float64Array, dim: number): number {
  let s = 0;
  const o = i * dim;
  for (let j = 0; j < dim; j++) {
    const t = data[o + j] - c[j];
    s += t * t;
  }
  return s;
}

function centreToCentre(a: Float64Array, b: Float64Array, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) {
    const t = a[j] - b[j];
    s += t * t;
  }
  return s;
}

/**
 * Greedy k-means++: the first centre uniformly at random, each next one the
 * best (least potential) of `localTrials` points drawn with probability ∝
 * squared distance to the nearest centre so far. Points at distance 0 are
 * never drawn, so the centres are distinct points; when every point sits
 * on a centre already (fewer distinct points than k; distances below
 * 1e-12 of the first potential count as rounding) it stops early.
 */
export function kmeansPlusPlus(data: Float32Array, n: number, dim: number, k: number, random: () => number, localTrials = 2 + Math.floor(Math.log(k))): Float64Array[] {
  const centres: Float64Array[] = [];
  const row = (i: number) => Float64Array.from(data.subarray(i * dim, (i + 1) * dim));
  centres.push(row(Math.min(n - 1, Math.floor(random() * n))));
  let closest = new Float64Array(n);
  let potential = 0;
  for (let i = 0; i < n; i++) potential += closest[i] = pointToCentre(data, i, centres[0], dim);
  const trial = new Float64Array(n);
  // What is left once every point sits on a centre up to float rounding (≈1e-14 relative on unit vectors).
  const floor = potential * 1e-12;
  while (centres.length < k && potential > floor) {
    let bestPot = Infinity;
    let best = -1;
    let bestClosest = closest;
    for (let t = 0; t < localTrials; t++) {
      const target = random() * potential;
      let acc = 0;
      let cand = -1;
      for (let i = 0; i < n; i++) {
        acc += closest[i];
        if (closest[i] > 0) cand = i;
        if (acc > target && closest[i] > 0) break;
      }
      const c = row(cand);
      let pot = 0;
      for (let i = 0; i < n; i++) pot += trial[i] = Math.min(closest[i], pointToCentre(data, i, c, dim));
      if (pot < bestPot) {
        bestPot = pot;
        best = cand;
        bestClosest = Float64Array.from(trial);
      }
    }
    centres.push(row(best));
    closest = bestClosest;
    potential = bestPot;
  }
  return centres;
}

function assign(data: Float32Array, n: number, dim: number, centres: readonly Float64Array[], out: Int32Array, dist: Float64Array): boolean {
  let changed = false;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < centres.length; c++) {
      const d = pointToCentre(data, i, centres[c], dim);
      if (d < bestD) { bestD = d; best = c; }
    }
    if (out[i] !== best) changed = true;
    out[i] = best;
    dist[i] = bestD;
  }
  return changed;
}

/** One Lloyd run from the given centres. */
export function lloyd(data: Float32Array, n: number, dim: number, init: readonly Float64Array[], maxIterations = 300, tolerance = 1e-4): KMeansResult {
  const k = init.length;
  let centres = init.map((c) => Float64Array.from(c));
  const labels = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  assign(data, n, dim, centres, labels, dist);
  const tolAbs = tolerance * meanVariance(data, n, dim);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const next = Array.from({ length: k }, () => new Float64Array(dim));
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      counts[c]++;
      const o = i * dim;
      for (let j = 0; j < dim; j++) next[c][j] += data[o + j];
    }
    // Empty clusters take the points farthest from their centres (scikit-learn's relocation).
    const empty = [...counts.keys()].filter((c) => counts[c] === 0);
    if (empty.length) {
      const far = [...dist.keys()].sort((a, b) => dist[b] - dist[a] || a - b);
      empty.forEach((c, e) => { next[c] = Float64Array.from(data.subarray(far[e] * dim, (far[e] + 1) * dim)); counts[c] = 1; });
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (!empty.includes(c)) for (let j = 0; j < dim; j++) next[c][j] /= counts[c];
      shift += centreToCentre(next[c], centres[c], dim);
    }
    centres = next;
    const changed = assign(data, n, dim, centres, labels, dist);
    if (!changed || shift <= tolAbs) { converged = true; break; }
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += dist[i];
  const centroids = new Float32Array(k * dim);
  centres.forEach((c, i) => centroids.set(c, i * dim));
  return { centroids, k, dim, assignments: labels, inertia, iterations, converged };
}

function meanVariance(data: Float32Array, n: number, dim: number): number {
  let total = 0;
  for (let j = 0; j < dim; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * dim + j];
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[i * dim + j] - mean) ** 2;
    total += v / n;
  }
  return total / dim;
}

/** k-means++ then Lloyd, `nInit` times; the run with the lowest inertia (first on ties) is returned. */
export function kmeans(data: Float32Array, n: number, dim: number, options: KMeansOptions): KMeansResult {
  const { k } = options;
  if (!Number.isInteger(k) || k < 1) throw new AcsegError('BAD_CONFIG', `k-means: K must be an integer ≥ 1, got ${k}`);
  if (n < 1) throw new AcsegError('BAD_INPUT', 'k-means: no points to cluster');
  if (data.length !== n * dim) throw new AcsegError('BAD_INPUT', `k-means: data holds ${data.length} values, expected ${n}×${dim}`);
  const random = seededRandom(options.seed ?? 0);
  let best: KMeansResult | undefined;
  for (let r = 0; r < Math.max(1, options.nInit ?? 1); r++) {
    const init = kmeansPlusPlus(data, n, dim, k, random, options.localTrials);
    const run = lloyd(data, n, dim, init, options.maxIterations ?? 300, options.tolerance ?? 1e-4);
    if (!best || run.inertia < best.inertia) best = run;
  }
  return best!;
}
