import type { KMeansResult } from './kmeans.js';
import { clusterSums, dotAt, recordNearest } from './centres.js';
import { blocksOf, rowOf, type Matrix } from './row-reader.js';

/** Assigns each point to its nearest centre; writes labels and squared distances, returns the inertia. */
function assign(p: Matrix, xNorms: Float64Array, centers: Float64Array, k: number, labels: Int32Array, dist: Float64Array): number {
  const d = p.cols;
  const cNorms = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let t = c * d; t < (c + 1) * d; t++) s += centers[t] * centers[t];
    cNorms[c] = s;
  }
  const dots = new Float64Array(k);
  let inertia = 0;
  for (const { data: x, start, count } of blocksOf(p)) {
    for (let r = 0; r < count; r++) {
      for (let c = 0; c < k; c++) dots[c] = dotAt(x, r * d, centers, c * d, d);
      inertia += recordNearest(start + r, xNorms[start + r], cNorms, dots, 0, 1, labels, dist);
    }
  }
  return inertia;
}

/** Means of the clusters; empty clusters take the points farthest from their centres (sklearn). */
function updateCenters(p: Matrix, labels: Int32Array, dist: Float64Array, k: number): Float64Array {
  const { rows: n, cols: d } = p;
  const { sums, counts } = clusterSums(p, labels, k);
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty.push(c);
  if (empty.length) {
    const far = Array.from({ length: n }, (_, i) => i).sort((a, b) => dist[b] - dist[a] || a - b);
    empty.forEach((c, e) => {
      const i = far[e];
      const x = rowOf(p, i);
      const old = labels[i];
      if (counts[old] > 1) {
        counts[old]--;
        for (let t = 0; t < d; t++) sums[old * d + t] -= x[t];
      }
      counts[c] = 1;
      for (let t = 0; t < d; t++) sums[c * d + t] = x[t];
    });
  }
  for (let c = 0; c < k; c++) {
    const s = 1 / counts[c];
    for (let t = 0; t < d; t++) sums[c * d + t] *= s;
  }
  return sums;
}

/**
 * Lloyd iterations on explicit centres (k × d), sklearn's loop: assign, move
 * the centres to the means, stop when the labels repeat or the centres moved
 * less than `absTol` in total, then a last assignment to the final centres.
 */
export function lloyd(p: Matrix, xNorms: Float64Array, init: Float64Array, maxIter: number, absTol: number): KMeansResult {
  const n = p.rows,
    k = init.length / p.cols;
  let centers = init;
  let labels = new Int32Array(n).fill(-1);
  let prev = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  let it = 0;
  while (it < maxIter) {
    it++;
    assign(p, xNorms, centers, k, labels, dist);
    const next = updateCenters(p, labels, dist, k);
    let shift = 0;
    for (let t = 0; t < next.length; t++) shift += (next[t] - centers[t]) ** 2;
    centers = next;
    let same = true;
    for (let i = 0; i < n && same; i++) same = labels[i] === prev[i];
    if (same) break;
    if (shift <= absTol) break;
    [prev, labels] = [labels, prev];
  }
  // Labels must match the final centres (sklearn's last E-step).
  const inertia = assign(p, xNorms, centers, k, labels, dist);
  return { k, labels, centroids: centers, inertia, iterations: it };
}
