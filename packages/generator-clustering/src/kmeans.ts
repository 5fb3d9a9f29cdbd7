import { AcsegError } from '@acseg/core';
import { Rng } from './rng.js';
import { gramCentroids, lloydGram, type GramRun } from './kmeans-gram.js';
import { lloyd } from './kmeans-lloyd.js';
import { gram, rowSquaredNorms, toPoints, type Points, type PointsLike } from './points.js';
import { blocksOf, checkReader, materialize, rowOf, type Matrix, type RowReader } from './row-reader.js';

export interface KMeansOptions {
  /** Seed of the k-means++ draws (default 0). */
  seed?: number;
  /** Runs from different k-means++ starts; the lowest inertia wins (default 10, sklearn < 1.4). */
  nInit?: number;
  /** Lloyd iterations per run (default 300, sklearn). */
  maxIter?: number;
  /** Relative tolerance: stop when the centres move less than tol × mean feature variance in total (default 1e-4, sklearn). */
  tol?: number;
  /**
   * How distances are computed — the same algorithm either way: 'lloyd' from explicit k × d centres,
   * 'gram' from the n × n Gram matrix (cheaper when d is large), 'auto' (default) picks the cheaper.
   */
  method?: 'auto' | 'lloyd' | 'gram';
  /**
   * Stop k-means++ once every point sits on a centre (fewer distinct points than k): fewer clusters, and k may
   * exceed the points. Default false: scikit-learn's behaviour, where k > points is an error.
   */
  distinct?: boolean;
}

export interface KMeansResult {
  /** Clusters found: k, or fewer with `distinct`. */
  k: number;
  /** Cluster of each point, 0..k-1. */
  labels: Int32Array;
  /** k × d, row-major. */
  centroids: Float64Array;
  /** Sum of squared distances of the points to their centroids. */
  inertia: number;
  /** Lloyd iterations of the winning run. */
  iterations: number;
}

/**
 * k-means as scikit-learn's `KMeans(init='k-means++', algorithm='lloyd')`:
 * greedy k-means++ (2 + ⌊ln k⌋ candidates per centre), Lloyd iterations until
 * the labels stop changing or the centres move less than the tolerance,
 * empty clusters moved to the points farthest from their centres, best of
 * `nInit` runs by inertia. Deterministic given `seed`. A `RowReader` is read
 * a block at a time in row order (memory: ~40 bytes a point besides one
 * block), with the same result as the same rows in memory.
 */
export function kmeans(points: PointsLike | RowReader, k: number, options: KMeansOptions = {}): KMeansResult {
  const p: Matrix = isReader(points) ? (checkReader(points, 'kmeans'), points) : toPoints(points, 'kmeans');
  const { seed = 0, nInit = 10, maxIter = 300, tol = 1e-4 } = options;
  if (!Number.isInteger(k) || k < 1) throw new AcsegError('BAD_CONFIG', `kmeans: k must be a positive integer, got ${k}`);
  if (k > p.rows && !options.distinct) throw new AcsegError('BAD_INPUT', `kmeans: k = ${k} exceeds the number of points (${p.rows})`);
  const distinct = options.distinct ?? false;
  if (!Number.isInteger(nInit) || nInit < 1) throw new AcsegError('BAD_CONFIG', `kmeans: nInit must be a positive integer, got ${nInit}`);
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new AcsegError('BAD_CONFIG', `kmeans: maxIter must be a positive integer, got ${maxIter}`);
  const rng = new Rng(seed);
  const absTol = tol * meanVariance(p);
  const { rows: n, cols: d } = p;
  const method = options.method ?? 'auto';
  // Rough multiply-add counts, assuming ~12 Lloyd iterations per run.
  const useGram = method === 'gram' || (method === 'auto' && (n * n * d) / 2 + nInit * 24 * n * n < nInit * (12 + 3 * k) * n * k * d);
  let best: KMeansResult | undefined;
  if (useGram) {
    const m = materialize(p);
    const G = gram(m);
    const distances = (j: number, out: Float64Array) => {
      for (let i = 0; i < n; i++) out[i] = G[i * n + i] + G[j * n + j] - 2 * G[i * n + j];
    };
    let bestRun: GramRun | undefined;
    for (let run = 0; run < nInit; run++) {
      const result = lloydGram(G, n, plusPlusIndices(n, k, rng, distances, distinct), maxIter, absTol);
      if (!bestRun || result.inertia < bestRun.inertia) bestRun = result;
    }
    const { members, ...rest } = bestRun!;
    best = { ...rest, k: members.length, centroids: gramCentroids(m, members) };
  } else {
    const xNorms = rowSquaredNorms(p);
    const distances = (j: number, out: Float64Array) => {
      const y = rowOf(p, j);
      for (const { data, start, count } of blocksOf(p)) for (let r = 0; r < count; r++) out[start + r] = sqDist(data, r, y, 0, d);
    };
    for (let run = 0; run < nInit; run++) {
      const init = plusPlusIndices(n, k, rng, distances, distinct);
      const centres = new Float64Array(init.length * d);
      init.forEach((i, c) => centres.set(rowOf(p, i), c * d));
      const result = lloyd(p, xNorms, centres, maxIter, absTol);
      if (!best || result.inertia < best.inertia) best = result;
    }
  }
  return best!;
}

function isReader(p: PointsLike | RowReader): p is RowReader {
  return typeof (p as RowReader).read === 'function';
}

/** Mean over the columns of each column's variance; each column summed in row order, a block at a time. */
function meanVariance(p: Matrix): number {
  const { rows: n, cols: d } = p;
  const m = new Float64Array(d);
  for (const { data: x, count } of blocksOf(p)) for (let r = 0; r < count; r++) for (let j = 0; j < d; j++) m[j] += x[r * d + j];
  for (let j = 0; j < d; j++) m[j] /= n;
  const v = new Float64Array(d);
  for (const { data: x, count } of blocksOf(p)) {
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < d; j++) v[j] += (x[r * d + j] - m[j]) ** 2;
    }
  }
  let total = 0;
  for (let j = 0; j < d; j++) total += v[j] / n;
  return total / d;
}

function sqDist(x: Points['data'], i: number, y: Points['data'], j: number, d: number): number {
  let s = 0;
  const a = i * d,
    b = j * d;
  for (let t = 0; t < d; t++) {
    const v = x[a + t] - y[b + t];
    s += v * v;
  }
  return s;
}

/** Indices of k initial centres by greedy k-means++ (Arthur & Vassilvitskii 2007, sklearn's variant). */
export function kmeansPlusPlus(points: PointsLike, k: number, seed = 0): Int32Array {
  const p = toPoints(points, 'kmeans++');
  if (!Number.isInteger(k) || k < 1 || k > p.rows) throw new AcsegError('BAD_CONFIG', `kmeans++: k must be an integer in 1..${p.rows}, got ${k}`);
  return plusPlusIndices(p.rows, k, new Rng(seed), (j, out) => {
    for (let i = 0; i < p.rows; i++) out[i] = sqDist(p.data, i, p.data, j, p.cols);
  });
}

/**
 * sklearn's _kmeans_plusplus: the first centre uniformly, then for each next
 * centre 2 + ⌊ln k⌋ candidates drawn with probability ∝ D(x)², keeping the one
 * that lowers the potential Σ D(x)² most. `distances(j, out)` writes ‖x_i − x_j‖² for every i.
 * `distinct`: stop once the potential is spent (every point on a centre, up to
 * float rounding), with fewer than k centres.
 */
function plusPlusIndices(n: number, k: number, rng: Rng, distances: (j: number, out: Float64Array) => void, distinct = false): Int32Array {
  k = Math.min(k, n);
  const chosen = new Int32Array(k);
  const trials = 2 + Math.floor(Math.log(k));
  const first = rng.int(n);
  chosen[0] = first;
  let closest = new Float64Array(n);
  const dist = new Float64Array(n);
  distances(first, dist);
  let pot = 0;
  for (let i = 0; i < n; i++) pot += closest[i] = Math.max(0, dist[i]);
  const cum = new Float64Array(n);
  let cand = new Float64Array(n);
  let bestDist = new Float64Array(n);
  // What is left once every point sits on a centre up to float rounding (≈1e-14 relative on unit vectors).
  const floor = pot * 1e-12;
  for (let c = 1; c < k; c++) {
    if (distinct && pot <= floor) return chosen.slice(0, c);
    let acc = 0;
    for (let i = 0; i < n; i++) cum[i] = acc += closest[i];
    let bestPot = Infinity,
      bestIdx = 0;
    for (let t = 0; t < trials; t++) {
      const r = rng.next() * pot;
      // searchsorted(cum, r, side='left'), clipped to n - 1
      let lo = 0,
        hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid] < r) lo = mid + 1;
        else hi = mid;
      }
      let candPot = 0;
      distances(lo, dist);
      for (let i = 0; i < n; i++) candPot += cand[i] = Math.min(closest[i], Math.max(0, dist[i]));
      if (candPot < bestPot) {
        bestPot = candPot;
        bestIdx = lo;
        [bestDist, cand] = [cand, bestDist];
      }
    }
    chosen[c] = bestIdx;
    [closest, bestDist] = [bestDist, closest];
    pot = bestPot;
  }
  return chosen;
}
