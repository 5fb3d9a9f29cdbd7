import { blocksOf, type Matrix } from './row-reader.js';

/** Per-cluster sums of the points (k × d) and member counts, from labels 0..k-1, summed in row order. */
export function clusterSums(p: Matrix, labels: Int32Array, k: number): { sums: Float64Array; counts: Int32Array } {
  const d = p.cols;
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  for (const { data: x, start, count } of blocksOf(p)) {
    for (let r = 0; r < count; r++) {
      const c = labels[start + r];
      counts[c]++;
      for (let t = 0; t < d; t++) sums[c * d + t] += x[r * d + t];
    }
  }
  return { sums, counts };
}

/**
 * Point i's nearest centre from ‖x_i‖², the centres' ‖c_j‖² and x_i·c_j = dots[at + j * stride]: writes its label and
 * squared distance (clamped at 0 against rounding) and returns that distance, for the inertia.
 */
export function recordNearest(
  i: number,
  xNorm: number,
  cNorms: Float64Array,
  dots: Float64Array,
  at: number,
  stride: number,
  labels: Int32Array,
  dist: Float64Array,
): number {
  let bestC = 0,
    bestD = Infinity;
  for (let j = 0; j < cNorms.length; j++) {
    const dd = xNorm + cNorms[j] - 2 * dots[at + j * stride];
    if (dd < bestD) {
      bestD = dd;
      bestC = j;
    }
  }
  labels[i] = bestC;
  dist[i] = Math.max(0, bestD);
  return dist[i];
}

/** a[ao .. ao + d) · b[bo .. bo + d), summed in order. */
export function dotAt(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number {
  let dot = 0;
  for (let t = 0; t < d; t++) dot += a[ao + t] * b[bo + t];
  return dot;
}
