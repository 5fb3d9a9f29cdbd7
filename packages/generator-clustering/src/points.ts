import { AcsegError } from '@acseg/core';
import { blocksOf, type Matrix } from './row-reader.js';

/**
 * A dense row-major matrix: `rows` points of dimension `cols`. float32 data
 * (e.g. a whole set's region embeddings) is read as it is, never copied to
 * float64: sums and distances are taken in float64 either way.
 */
export interface Points {
  rows: number;
  cols: number;
  data: Float64Array | Float32Array;
}

/** What the raw algorithms accept: an array of equal-length rows, or a `Points`. */
export type PointsLike = Points | ReadonlyArray<ArrayLike<number>>;

function isPoints(p: PointsLike): p is Points {
  return !Array.isArray(p) && typeof (p as Points).rows === 'number';
}

/** Copies the input into a `Points` (float64), checking shape and values. */
export function toPoints(p: PointsLike, what = 'points'): Points {
  if (isPoints(p)) {
    if (p.data.length !== p.rows * p.cols) throw new AcsegError('BAD_INPUT', `${what}: data holds ${p.data.length} values, expected ${p.rows}×${p.cols}`);
    checkFinite(p.data, what);
    return p;
  }
  const rows = p.length;
  if (rows === 0) throw new AcsegError('BAD_INPUT', `${what}: no points`);
  const cols = p[0].length;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    if (p[i].length !== cols) throw new AcsegError('BAD_INPUT', `${what}: point ${i} has ${p[i].length} values, point 0 has ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = p[i][j];
  }
  checkFinite(data, what);
  return { rows, cols, data };
}

function checkFinite(data: Float64Array | Float32Array, what: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new AcsegError('NUMERIC', `${what}: value ${i} is not finite (${data[i]})`);
  }
}

/** n × d float32 tokens to float64 points, optionally scaled to unit L2 norm per row. */
export function tokensToPoints(tokens: Float32Array, rows: number, cols: number, normalize: boolean): Points {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let sq = 0;
    for (let j = 0; j < cols; j++) sq += tokens[o + j] * tokens[o + j];
    const s = normalize && sq > 0 ? 1 / Math.sqrt(sq) : 1;
    for (let j = 0; j < cols; j++) data[o + j] = tokens[o + j] * s;
  }
  return { rows, cols, data };
}

/** Squared L2 norm of every row. */
export function rowSquaredNorms(p: Matrix): Float64Array {
  const out = new Float64Array(p.rows);
  const d = p.cols;
  for (const { data, start, count } of blocksOf(p)) {
    for (let r = 0; r < count; r++) {
      let s = 0;
      for (let j = r * d; j < (r + 1) * d; j++) s += data[j] * data[j];
      out[start + r] = s;
    }
  }
  return out;
}

/**
 * Gram matrix X Xᵀ (rows × rows), in blocks of 4 × 2 rows: eight dot products
 * share each pass over the features (≈ 3× faster than one at a time in V8).
 * Rows past the end are clamped to the last row (their products are rewritten
 * with the same values).
 */
export function gram(p: Points): Float64Array {
  const { rows: n, cols: d, data: x } = p;
  const out = new Float64Array(n * n);
  const last = n - 1;
  const put = (i: number, j: number, v: number) => {
    out[i * n + j] = v;
    out[j * n + i] = v;
  };
  for (let i = 0; i < n; i += 4) {
    const i1 = Math.min(i + 1, last),
      i2 = Math.min(i + 2, last),
      i3 = Math.min(i + 3, last);
    const a0 = i * d,
      a1 = i1 * d,
      a2 = i2 * d,
      a3 = i3 * d;
    for (let j = i; j < n; j += 2) {
      const j1 = Math.min(j + 1, last);
      const b0 = j * d,
        b1 = j1 * d;
      let s00 = 0,
        s01 = 0,
        s10 = 0,
        s11 = 0,
        s20 = 0,
        s21 = 0,
        s30 = 0,
        s31 = 0;
      for (let t = 0; t < d; t++) {
        const v0 = x[b0 + t],
          v1 = x[b1 + t];
        const u0 = x[a0 + t],
          u1 = x[a1 + t],
          u2 = x[a2 + t],
          u3 = x[a3 + t];
        s00 += u0 * v0;
        s01 += u0 * v1;
        s10 += u1 * v0;
        s11 += u1 * v1;
        s20 += u2 * v0;
        s21 += u2 * v1;
        s30 += u3 * v0;
        s31 += u3 * v1;
      }
      put(i, j, s00);
      put(i, j1, s01);
      put(i1, j, s10);
      put(i1, j1, s11);
      put(i2, j, s20);
      put(i2, j1, s21);
      put(i3, j, s30);
      put(i3, j1, s31);
    }
  }
  return out;
}

/** Full matrix of squared Euclidean distances (rows × rows), from the Gram matrix; diagonal exactly 0. */
export function squaredDistances(p: Points): Float64Array {
  const n = p.rows;
  const G = gram(p);
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) sq[i] = G[i * n + i];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) G[i * n + j] = i === j ? 0 : Math.max(0, sq[i] + sq[j] - 2 * G[i * n + j]);
  }
  return G;
}

/** Relabels so that labels are 0..K-1 in order of first appearance; returns K. */
export function compactLabels(labels: Int32Array): number {
  const map = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    let m = map.get(labels[i]);
    if (m === undefined) {
      m = map.size;
      map.set(labels[i], m);
    }
    labels[i] = m;
  }
  return map.size;
}
