/**
 * Optional inference step (not in the paper): merge an image's near-duplicate concepts before the argmax.
 *
 * The modularity loss takes δ_ij = max_c S̄_ic S̄_jc, so two concepts that point the same way cost nothing over one;
 * trained ACGs do collapse the prototypes of a one-concept image onto ≈ 1 direction (pairwise cosine 0.97–0.99 on
 * the synthetic benchmark), and the per-pixel argmax then splits one planted region among the copies by noise
 * (3.3 regions for 1 planted; docs/experiments/acg-notebook.md "Near-duplicate concepts"). Merging the concepts whose cosine is ≥ `threshold`
 * (transitively) keeps one region for them: the group's first concept takes, per pixel, the largest S of the
 * group, and the others get S = −2 (below any cosine), so they receive no pixel — even after bilinear upsampling —
 * and are dropped like any empty concept.
 */
export function mergeNearDuplicateConcepts(assignment: Float32Array, concepts: Float32Array, n: number, k: number, d: number, threshold: number): Float32Array {
  const norms = Array.from({ length: k }, (_, j) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += concepts[j * d + t] ** 2;
    return Math.sqrt(s);
  });
  const parent = Array.from({ length: k }, (_, j) => j);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      if (norms[i] === 0 || norms[j] === 0) continue;
      let dot = 0;
      for (let t = 0; t < d; t++) dot += concepts[i * d + t] * concepts[j * d + t];
      if (dot / (norms[i] * norms[j]) >= threshold) {
        const a = find(i),
          b = find(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  const out = Float32Array.from(assignment);
  for (let j = 0; j < k; j++) {
    const r = find(j);
    if (r === j) continue;
    for (let p = 0; p < n; p++) {
      out[p * k + r] = Math.max(out[p * k + r], assignment[p * k + j]);
      out[p * k + j] = -2;
    }
  }
  return out;
}
