import type { KMeansResult } from './kmeans.js';
import type { Points } from './points.js';
import { recordNearest } from './centres.js';

/**
 * The same Lloyd iterations as kmeans-lloyd.ts, with every centre kept as the
 * set of points it averages and every distance taken from the Gram matrix
 * G = X Xᵀ: ‖x_i − c‖² = G_ii − 2/|C| Σ_{m∈C} G_im + 1/|C|² Σ_{a,b∈C} G_ab.
 * One iteration costs O(n²) instead of O(n·k·d); G (O(n²·d)) is paid once per
 * image and shared by all nInit runs. Worth it when d is large (patch
 * features: n = 196, d = 384).
 */
export interface GramRun extends Omit<KMeansResult, 'centroids' | 'k'> {
  /** The points each final centre averages. */
  members: Int32Array[];
}

export function lloydGram(G: Float64Array, n: number, init: Int32Array, maxIter: number, absTol: number): GramRun {
  const k = init.length;
  let members: Int32Array[] = Array.from(init, (i) => Int32Array.of(i));
  const cross = new Float64Array(k * n); // cross[j·n + i] = x_i · c_j
  const self = new Float64Array(k); // ‖c_j‖²
  const selfOld = new Float64Array(k);
  const dot = new Float64Array(k); // c_new · c_old
  let labels = new Int32Array(n);
  let prev = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  // Each pass of the loop is one sklearn iteration; its E-step was done by the previous pass (or here), and the
  // E-step done at its end serves as the next iteration's, or as sklearn's final one. That E-step also gives ‖c_new‖²,
  // which the tolerance test needs, without any O(|C|²) sums.
  assignGram(G, n, members, cross, self, labels, dist);
  let inertia: number;
  let it = 0;
  for (;;) {
    it++;
    const next = groups(labels, k);
    relocateEmpty(next, labels, dist);
    for (let j = 0; j < k; j++) {
      const o = j * n,
        m = next[j];
      let s = 0;
      for (let x = 0; x < m.length; x++) s += cross[o + m[x]];
      dot[j] = s / m.length;
    }
    selfOld.set(self);
    members = next;
    const strict = sameLabels(labels, prev);
    [prev, labels] = [labels, prev];
    inertia = assignGram(G, n, members, cross, self, labels, dist);
    if (strict || it >= maxIter) break;
    let shift = 0;
    for (let j = 0; j < k; j++) shift += self[j] + selfOld[j] - 2 * dot[j];
    if (shift <= absTol) break;
  }
  return { labels, members, inertia, iterations: it };
}

/** The explicit centres (k × d) of a run: the means of their member sets. */
export function gramCentroids(p: Points, members: readonly Int32Array[]): Float64Array {
  const d = p.cols;
  const centroids = new Float64Array(members.length * d);
  members.forEach((m, j) => {
    for (const i of m) for (let t = 0; t < d; t++) centroids[j * d + t] += p.data[i * d + t];
    for (let t = 0; t < d; t++) centroids[j * d + t] /= m.length;
  });
  return centroids;
}

/** Nearest centre of every point from the Gram matrix; fills cross (x_i·c_j) and self (‖c_j‖²); returns the inertia. */
function assignGram(
  G: Float64Array,
  n: number,
  members: Int32Array[],
  cross: Float64Array,
  self: Float64Array,
  labels: Int32Array,
  dist: Float64Array,
): number {
  const k = members.length;
  cross.fill(0);
  for (let j = 0; j < k; j++) {
    const o = j * n;
    const mem = members[j];
    for (let x = 0; x < mem.length; x++) {
      const g = mem[x] * n;
      for (let i = 0; i < n; i++) cross[o + i] += G[g + i];
    }
    const inv = 1 / mem.length;
    for (let i = 0; i < n; i++) cross[o + i] *= inv;
    let s = 0;
    for (let x = 0; x < mem.length; x++) s += cross[o + mem[x]];
    self[j] = s * inv;
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += recordNearest(i, G[i * n + i], self, cross, i, n, labels, dist);
  return inertia;
}

function sameLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function groups(labels: Int32Array, k: number): Int32Array[] {
  const counts = new Int32Array(k);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const out: Int32Array[] = [];
  for (let j = 0; j < k; j++) out.push(new Int32Array(counts[j]));
  const fill = new Int32Array(k);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    out[l][fill[l]++] = i;
  }
  return out;
}

/** sklearn's rule, as in kmeans-lloyd.ts: an empty cluster takes the point farthest from its centre. */
function relocateEmpty(next: Int32Array[], labels: Int32Array, dist: Float64Array): void {
  const empty = next.map((m, j) => (m.length === 0 ? j : -1)).filter((j) => j >= 0);
  if (!empty.length) return;
  const far = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => dist[b] - dist[a] || a - b);
  empty.forEach((c, e) => {
    const i = far[e];
    const old = labels[i];
    if (next[old].length > 1) next[old] = next[old].filter((m) => m !== i);
    next[c] = Int32Array.of(i);
  });
}
