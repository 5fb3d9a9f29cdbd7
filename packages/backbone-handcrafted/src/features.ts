import { rgbToLabInto } from './lab.js';
import {
  AB_RANGE,
  CELL_SIZE,
  COLOR_NORM,
  FEATURE_DIM,
  HIST_BINS,
  HOG_EPSILON,
  LAYOUT,
  L_RANGE,
  MEAN_SCALE,
  ORIENT_BINS,
  PATCH_SIZE,
  POSITION_NORM,
  STD_SCALE,
  STD_WEIGHT,
  TEXTURE_NORM,
} from './layout.js';

/** How much each block counts (multiplies a block of norm about 1). */
export interface FeatureWeights {
  color: number;
  texture: number;
  /** 0 leaves the position dimensions at zero. */
  position: number;
}

/**
 * Soft (linear-interpolation) vote of `v` into `bins` bins with centres
 * lo + (i + ½)·w over [lo, hi]; values past the first/last centre go wholly
 * to that bin. Adds `weight` split over at most two bins of `hist` at `offset`.
 */
export function softVote(hist: Float32Array | Float64Array, offset: number, bins: number, lo: number, hi: number, v: number, weight: number): void {
  const pos = ((v - lo) / (hi - lo)) * bins - 0.5;
  if (pos <= 0) {
    hist[offset] += weight;
    return;
  }
  if (pos >= bins - 1) {
    hist[offset + bins - 1] += weight;
    return;
  }
  const b = Math.floor(pos);
  const t = pos - b;
  hist[offset + b] += weight * (1 - t);
  hist[offset + b + 1] += weight * t;
}

/**
 * Planes an image's features are computed through, kept per size and made again only when the size changes: made
 * for every image they were ~0.9 MB of fresh memory each (the Lab plane alone 600 KB at 224 px), which the kernel
 * had to map and zero and V8 counted toward its next full collection. patchFeatures is synchronous, so one set serves.
 */
const planes = new Map<string, Float32Array | Float64Array>();
function plane<T extends Float32Array | Float64Array>(name: string, make: new (n: number) => T, length: number): T {
  let p = planes.get(name) as T | undefined;
  if (!p || p.length !== length || !(p instanceof make)) planes.set(name, (p = new make(length)));
  return p;
}

/** Box-average a size×size plane by `f` (size divisible by f), into `out` (zeroed here) or a new array. */
export function boxDownsample(plane: Float32Array, size: number, f: number, out?: Float32Array): Float32Array {
  const s = size / f;
  if (out) out.fill(0);
  else out = new Float32Array(s * s);
  const inv = 1 / (f * f);
  for (let y = 0; y < size; y++) {
    const oy = Math.floor(y / f) * s;
    for (let x = 0; x < size; x++) out[oy + Math.floor(x / f)] += plane[y * size + x];
  }
  for (let i = 0; i < out.length; i++) out[i] *= inv;
  return out;
}

/**
 * Math.hypot(a, b) for finite a and b, bit for bit: V8's own steps (divide by the larger magnitude, sum the squares,
 * square root, scale back). Math.hypot is a builtin call that returns a boxed number: per pixel of three
 * histogram scales it was ~5 MB of garbage an image and ~30 % of the histograms' time; inlined, neither.
 */
export function hypot2(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  const max = a > b ? a : b;
  if (max === 0) return 0;
  const n0 = a / max;
  const n1 = b / max;
  // With two terms the Kahan compensation is zero: the first sum (0 + n0²) is exact.
  return Math.sqrt(n0 * n0 + n1 * n1) * max;
}

/**
 * Magnitude-weighted unsigned orientation histograms of a size×size
 * plane, per cell of `cell`×`cell` pixels, divided by the cell's pixel
 * count. Gradients are central differences (I[x+1] − I[x−1]) / 2 with
 * replicated borders; orientation atan2(gy, gx) mod 180° (y points down),
 * split linearly between the two nearest of ORIENT_BINS centres b·20°.
 * Returns cells-per-side² × ORIENT_BINS, cells row-major.
 */
export function orientationHistograms(plane: Float32Array, size: number, cell: number, out?: Float64Array): Float64Array {
  const cps = size / cell;
  if (out) out.fill(0);
  else out = new Float64Array(cps * cps * ORIENT_BINS);
  const binWidth = Math.PI / ORIENT_BINS;
  const norm = 1 / (cell * cell);
  for (let y = 0; y < size; y++) {
    const up = (y > 0 ? y - 1 : 0) * size;
    const down = (y < size - 1 ? y + 1 : size - 1) * size;
    const rowCell = Math.floor(y / cell) * cps;
    for (let x = 0; x < size; x++) {
      const gx = (plane[y * size + (x < size - 1 ? x + 1 : x)] - plane[y * size + (x > 0 ? x - 1 : 0)]) / 2;
      const gy = (plane[down + x] - plane[up + x]) / 2;
      const m = hypot2(gx, gy);
      if (m === 0) continue;
      let theta = Math.atan2(gy, gx);
      if (theta < 0) theta += Math.PI;
      let pos = theta / binWidth;
      if (pos >= ORIENT_BINS) pos -= ORIENT_BINS;
      const b0 = Math.floor(pos);
      const t = pos - b0;
      const o = (rowCell + Math.floor(x / cell)) * ORIENT_BINS;
      out[o + b0] += m * (1 - t) * norm;
      out[o + ((b0 + 1) % ORIENT_BINS)] += m * t * norm;
    }
  }
  return out;
}

/** Writes v / √(‖v‖² + ε²) × scale into out[offset..]. */
function writeNormalized(out: Float32Array, offset: number, v: ArrayLike<number>, scale: number): void {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += v[i] * v[i];
  const k = scale / Math.sqrt(sq + HOG_EPSILON * HOG_EPSILON);
  for (let i = 0; i < v.length; i++) out[offset + i] = v[i] * k;
}

/** Tent functions at 0, ½, 1 (half-width ½) of t ∈ [0, 1]. */
export function tents(t: number): [number, number, number] {
  return [Math.max(0, 1 - t / 0.5), Math.max(0, 1 - Math.abs(t - 0.5) / 0.5), Math.max(0, 1 - (1 - t) / 0.5)];
}

/**
 * Patch features of an image already resized to size×size (size a
 * multiple of PATCH_SIZE): (size/16)² patches × FEATURE_DIM, row-major.
 */
export function patchFeatures(rgb: Uint8Array, size: number, weights: FeatureWeights): Float32Array {
  const g = size / PATCH_SIZE;
  const n = g * g;
  const lab = plane('lab', Float32Array, size * size * 3);
  rgbToLabInto(rgb, lab);
  const light = plane('light', Float32Array, size * size);
  for (let i = 0; i < light.length; i++) light[i] = lab[3 * i] / 100;
  const hogs = (f: number, cell: number) => {
    const s = size / f;
    const from = f === 1 ? light : boxDownsample(light, size, f, plane(`half${f}`, Float32Array, s * s));
    return orientationHistograms(from, s, cell, plane(`hog${f}`, Float64Array, (s / cell) * (s / cell) * ORIENT_BINS));
  };
  const hog1 = hogs(1, CELL_SIZE);
  const hog2 = hogs(2, PATCH_SIZE / 2);
  const hog4 = hogs(4, PATCH_SIZE / 4);
  const out = new Float32Array(n * FEATURE_DIM);
  const px = PATCH_SIZE * PATCH_SIZE;
  const hist = new Float64Array(3 * HIST_BINS);
  const cellsPerSide = size / CELL_SIZE;
  const block = new Float64Array(4 * ORIENT_BINS);
  // Float64Array rather than [0, 0, 0] per patch: the same doubles, without an array that turns from small integers
  // to doubles (and is made again) 196 times an image.
  const sum = new Float64Array(3);
  const sq = new Float64Array(3);
  const colorK = weights.color * COLOR_NORM;
  const textureK = weights.texture * TEXTURE_NORM;
  const positionK = weights.position * POSITION_NORM;
  for (let pr = 0; pr < g; pr++) {
    for (let pc = 0; pc < g; pc++) {
      const p = pr * g + pc;
      const o = p * FEATURE_DIM;
      // Colour: Lab mean, std and soft histograms over the patch's pixels.
      sum.fill(0);
      sq.fill(0);
      hist.fill(0);
      for (let y = pr * PATCH_SIZE; y < (pr + 1) * PATCH_SIZE; y++) {
        for (let x = pc * PATCH_SIZE; x < (pc + 1) * PATCH_SIZE; x++) {
          const i = 3 * (y * size + x);
          for (let c = 0; c < 3; c++) {
            sum[c] += lab[i + c];
            sq[c] += lab[i + c] * lab[i + c];
          }
          softVote(hist, 0, HIST_BINS, L_RANGE[0], L_RANGE[1], lab[i], 1 / px);
          softVote(hist, HIST_BINS, HIST_BINS, AB_RANGE[0], AB_RANGE[1], lab[i + 1], 1 / px);
          softVote(hist, 2 * HIST_BINS, HIST_BINS, AB_RANGE[0], AB_RANGE[1], lab[i + 2], 1 / px);
        }
      }
      for (let c = 0; c < 3; c++) {
        const mean = sum[c] / px;
        const std = Math.sqrt(Math.max(0, sq[c] / px - mean * mean));
        out[o + LAYOUT.mean.offset + c] = (mean / MEAN_SCALE[c]) * colorK;
        out[o + LAYOUT.std.offset + c] = (std / STD_SCALE) * STD_WEIGHT * colorK;
      }
      for (let i = 0; i < hist.length; i++) out[o + LAYOUT.hist.offset + i] = (hist[i] / Math.sqrt(3)) * colorK;
      // Texture: one HOG block (2×2 cells) at full resolution, one cell at ½ and ¼.
      for (let cy = 0; cy < 2; cy++) {
        for (let cx = 0; cx < 2; cx++) {
          const cell = ((2 * pr + cy) * cellsPerSide + 2 * pc + cx) * ORIENT_BINS;
          for (let b = 0; b < ORIENT_BINS; b++) block[(cy * 2 + cx) * ORIENT_BINS + b] = hog1[cell + b];
        }
      }
      writeNormalized(out, o + LAYOUT.hog1.offset, block, textureK);
      writeNormalized(out, o + LAYOUT.hog2.offset, hog2.subarray(p * ORIENT_BINS, (p + 1) * ORIENT_BINS), textureK);
      writeNormalized(out, o + LAYOUT.hog4.offset, hog4.subarray(p * ORIENT_BINS, (p + 1) * ORIENT_BINS), textureK);
      // Position: tents over the patch centre's relative x and y.
      if (positionK !== 0) {
        const tx = tents((pc + 0.5) / g);
        const ty = tents((pr + 0.5) / g);
        for (let k = 0; k < 3; k++) {
          out[o + LAYOUT.position.offset + k] = tx[k] * positionK;
          out[o + LAYOUT.position.offset + 3 + k] = ty[k] * positionK;
        }
      }
    }
  }
  return out;
}
