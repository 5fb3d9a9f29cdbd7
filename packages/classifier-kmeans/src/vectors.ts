import { AcsegError } from '@acseg/core';

/** A copy of `v` scaled to unit length; refuses zero and non-finite vectors, naming `where`. */
export function l2Normalized(v: Float32Array, where: string): Float32Array {
  let sq = 0;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new AcsegError('NUMERIC', `${where}: the region embedding has a non-finite value (${v[i]})`);
    sq += v[i] * v[i];
  }
  if (sq === 0)
    throw new AcsegError('NUMERIC', `${where}: the region embedding is all zeros; cosine similarity is undefined`, {
      hint: "check the backbone's regionEmbeddings for this image",
    });
  const inv = 1 / Math.sqrt(sq);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * inv;
  return out;
}

/** Squared Euclidean distance between `a` and row `row` of a row-major matrix with `dim` columns. */
export function squaredDistance(a: Float32Array, m: Float32Array, row: number, dim: number): number {
  const o = row * dim;
  let s0 = 0;
  let s1 = 0;
  let j = 0;
  for (; j + 1 < dim; j += 2) {
    const t0 = a[j] - m[o + j];
    const t1 = a[j + 1] - m[o + j + 1];
    s0 += t0 * t0;
    s1 += t1 * t1;
  }
  for (; j < dim; j++) {
    const t = a[j] - m[o + j];
    s0 += t * t;
  }
  return s0 + s1;
}

/** Dot product of `a` with row `row` of a row-major matrix (Float32 only: one shape keeps V8's loop fast). */
export function dotRow(a: Float32Array, m: Float32Array, row: number, dim: number): number {
  // Four accumulators: ~1.3–1.5× faster than one in V8 (bench/kmeans.ts, k-NN row).
  const o = row * dim;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dim; j += 4) {
    s0 += a[j] * m[o + j];
    s1 += a[j + 1] * m[o + j + 1];
    s2 += a[j + 2] * m[o + j + 2];
    s3 += a[j + 3] * m[o + j + 3];
  }
  for (; j < dim; j++) s0 += a[j] * m[o + j];
  return s0 + s1 + s2 + s3;
}

/** Stacks equal-length vectors into one row-major matrix. */
export function stack(rows: readonly Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(r, i * dim));
  return out;
}
