import type { Points } from './points.js';
import { clusterSums, dotAt } from './centres.js';

/** How far above the best other cluster a patch's own cluster is lifted when its cosine disagrees with its label. */
export const LABEL_MARGIN = 1e-3;

export interface SoftAssignment {
  k: number;
  /** n × k cosine similarities, row argmax = the hard label. */
  assignment: Float32Array;
  /** k × d centroids (mean of the members, in the clustered space). */
  concepts: Float32Array;
  /** Patches whose cosine argmax disagreed with their label and were lifted. */
  lifted: number;
}

/**
 * Turns a hard clustering into an ACG-like soft assignment: S_ij = cos(x_i, c_j)
 * with c_j the mean of cluster j's members. Where the cosine argmax of a
 * patch is not its own cluster (k-means is nearest-centroid in Euclidean
 * distance, not in angle; spectral, AP and Ward are not centroid rules at
 * all), the patch's own entry is set to the best other entry + LABEL_MARGIN,
 * so argmax S reproduces the clustering exactly at the patch centres while
 * bilinear upsampling between patches still sees cosine similarities.
 * Labels must be 0..k-1 with every cluster non-empty.
 */
export function softAssignment(p: Points, labels: Int32Array, k: number): SoftAssignment {
  const { rows: n, cols: d, data: x } = p;
  const { sums: c, counts } = clusterSums(p, labels, k);
  const cNorm = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = j * d; t < (j + 1) * d; t++) {
      c[t] /= counts[j];
      s += c[t] * c[t];
    }
    cNorm[j] = Math.sqrt(s);
  }
  const S = new Float32Array(n * k);
  let lifted = 0;
  for (let i = 0; i < n; i++) {
    let xn = 0;
    for (let t = i * d; t < (i + 1) * d; t++) xn += x[t] * x[t];
    xn = Math.sqrt(xn);
    for (let j = 0; j < k; j++) {
      const dot = dotAt(x, i * d, c, j * d, d);
      const den = xn * cNorm[j];
      S[i * k + j] = den > 0 ? dot / den : 0;
    }
    const own = labels[i];
    let other = -Infinity;
    for (let j = 0; j < k; j++) if (j !== own && S[i * k + j] > other) other = S[i * k + j];
    if (S[i * k + own] <= other) {
      S[i * k + own] = other + LABEL_MARGIN;
      lifted++;
    }
  }
  return { k, assignment: S, concepts: Float32Array.from(c), lifted };
}
