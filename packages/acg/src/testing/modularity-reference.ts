/**
 * Plain float64 modularity loss (method notes §3), written as literally as
 * the formulas: used by the tests as an independent check of the TF.js
 * version, never by training.
 *
 *   A_ij = max(0, cos(x_i, x_j))      (diagonal kept)
 *   k_i = Σ_j A_ij,  2m = Σ_ij A_ij,  W_ij = A_ij − k_i k_j / 2m
 *   S̄ = max(0, S),  δ_ij = max_c S̄_ic S̄_jc
 *   L = −(1/2m) Σ_ij W_ij δ_ij
 */
export function cosineAffinity(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += x[i * d + t] * x[i * d + t];
    norms[i] = Math.sqrt(s);
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += x[i * d + t] * x[j * d + t];
      a[i * n + j] = Math.max(0, s / (norms[i] * norms[j]));
    }
  }
  return a;
}

/** L for one image: x is n × d, s is n × k (row-major). */
export function modularityLossReference(x: ArrayLike<number>, s: ArrayLike<number>, n: number, d: number, k: number): number {
  const a = cosineAffinity(x, n, d);
  const deg = new Float64Array(n);
  let twoM = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) deg[i] += a[i * n + j];
    twoM += deg[i];
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const w = a[i * n + j] - (deg[i] * deg[j]) / twoM;
      let delta = -Infinity;
      for (let c = 0; c < k; c++) delta = Math.max(delta, Math.max(0, s[i * k + c]) * Math.max(0, s[j * k + c]));
      sum += w * delta;
    }
  }
  return -sum / twoM;
}

/** Cosine similarity of every row of x (n × d) with every row of c (k × d): n × k. */
export function cosineAssignmentReference(x: ArrayLike<number>, c: ArrayLike<number>, n: number, k: number, d: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      let dot = 0;
      let nx = 0;
      let nc = 0;
      for (let t = 0; t < d; t++) {
        dot += x[i * d + t] * c[j * d + t];
        nx += x[i * d + t] ** 2;
        nc += c[j * d + t] ** 2;
      }
      out[i * k + j] = dot / Math.sqrt(nx * nc);
    }
  }
  return out;
}
