import { AcsegError, regionPatchOverlap, type RegionMap } from '@acseg/core';

/** Scales each row of an r × d matrix to unit length in place (zero rows stay zero). */
export function normalizeRows(m: Float32Array, d: number): Float32Array {
  for (let o = 0; o < m.length; o += d) {
    let sq = 0;
    for (let j = 0; j < d; j++) sq += m[o + j] * m[o + j];
    if (sq > 0) {
      const inv = 1 / Math.sqrt(sq);
      for (let j = 0; j < d; j++) m[o + j] *= inv;
    }
  }
  return m;
}

/**
 * A concept's embedding = the mean of its pixels' dense features (method
 * notes §5): each pixel takes the feature of the patch it falls in, so the
 * mean is Σ_p overlap[r, p] · f_p / Σ_p overlap[r, p] with the pixel counts of
 * `regionPatchOverlap`; then L2-normalized. Returns regions × d.
 */
export function regionEmbeddings(dense: Float32Array, grid: { h: number; w: number }, d: number, regions: RegionMap): Float32Array {
  const n = grid.h * grid.w;
  if (dense.length !== n * d) throw new AcsegError('BAD_INPUT', `dense features hold ${dense.length} values, expected ${n}×${d}`);
  const overlap = regionPatchOverlap(regions, grid);
  const out = new Float32Array(regions.count * d);
  for (let r = 0; r < regions.count; r++) {
    const o = r * d;
    let total = 0;
    for (let p = 0; p < n; p++) {
      const c = overlap[r * n + p];
      if (!c) continue;
      total += c;
      for (let j = 0; j < d; j++) out[o + j] += c * dense[p * d + j];
    }
    if (total > 0) for (let j = 0; j < d; j++) out[o + j] /= total;
  }
  return normalizeRows(out, d);
}

/**
 * Class text embeddings: per class, the mean over its prompts of the
 * L2-normalized text features, normalized again. `features` holds
 * classes × templates rows of d values, class-major. Returns classes × d.
 */
export function classEmbeddings(features: Float32Array, classes: number, templates: number, d: number): Float32Array {
  if (features.length !== classes * templates * d)
    throw new AcsegError('BAD_INPUT', `text features hold ${features.length} values, expected ${classes}×${templates}×${d}`);
  const unit = normalizeRows(new Float32Array(features), d);
  const out = new Float32Array(classes * d);
  for (let c = 0; c < classes; c++) {
    for (let t = 0; t < templates; t++) {
      const o = (c * templates + t) * d;
      for (let j = 0; j < d; j++) out[c * d + j] += unit[o + j] / templates;
    }
  }
  return normalizeRows(out, d);
}

/**
 * The class of each region: argmax over `candidates` (class ids = rows of
 * `classes`) of the cosine between unit vectors; ties go to the lower class id.
 */
export function nearestClass(
  embedding: Float32Array,
  offset: number,
  classes: Float32Array,
  d: number,
  candidates: readonly number[],
): { classId: number; score: number } {
  let best = -1;
  let bestScore = -Infinity;
  for (const c of candidates) {
    let s = 0;
    for (let j = 0; j < d; j++) s += embedding[offset + j] * classes[c * d + j];
    if (s > bestScore) {
      bestScore = s;
      best = c;
    }
  }
  return { classId: best, score: bestScore };
}
