import { AcsegError } from './errors.js';

/**
 * A segmentation at the original image size: every pixel holds a region
 * index 0..count-1. Regions are the concepts that received at least one
 * pixel, renumbered densely in order of their concept index.
 */
export interface RegionMap {
  width: number;
  height: number;
  labels: Uint16Array;
  count: number;
  /** For region r, the index of the concept (column of S) it came from. */
  concepts: number[];
  /** Pixels per region. */
  pixelCounts: number[];
}

export interface UpsampleInput {
  /** Soft assignment S, n × k row-major, n = grid.h × grid.w. */
  assignment: Float32Array;
  k: number;
  grid: { h: number; w: number };
  width: number;
  height: number;
}

/**
 * Source coordinates of bilinear resizing with half-pixel centres
 * (PyTorch's F.interpolate(mode='bilinear', align_corners=False)).
 */
export function bilinearTaps(outSize: number, inSize: number): { i0: Int32Array; i1: Int32Array; t: Float32Array } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const t = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    let src = (o + 0.5) * scale - 0.5;
    if (src < 0) src = 0;
    let a = Math.floor(src);
    if (a > inSize - 1) a = inSize - 1;
    i0[o] = a;
    i1[o] = a < inSize - 1 ? a + 1 : a;
    t[o] = src - a;
  }
  return { i0, i1, t };
}

/**
 * Paper §3.3/§4.1: upsample S bilinearly to the image size, take the argmax
 * per pixel, drop concepts that win no pixel. Ties go to the lower concept.
 *
 * Most pixels lie between four patches that all prefer the same concept by
 * a clear margin; a bilinear blend of them (a convex combination) prefers
 * it too, so those pixels take it without blending k scores. The margin
 * (1e-5 of the largest |score|) is far above float32 rounding in the blend
 * (a few ulps), so the result is the same as blending every pixel.
 */
export function assignmentToRegions(input: UpsampleInput): RegionMap {
  const { assignment: S, k, grid, width, height } = input;
  const n = grid.h * grid.w;
  if (S.length !== n * k) throw new AcsegError('BAD_INPUT', `assignment holds ${S.length} values, expected ${n}×${k}`);
  if (width < 1 || height < 1) throw new AcsegError('BAD_INPUT', `image size ${width}×${height} is empty`);
  if (k > 65535) throw new AcsegError('BAD_INPUT', `too many concepts (${k})`);
  const xs = bilinearTaps(width, grid.w);
  const ys = bilinearTaps(height, grid.h);
  const sure = clearWinners(S, n, k, grid.w, xs, ys);
  const conceptOf = new Uint16Array(width * height);
  const counts = new Float64Array(k);
  // Interpolate along x once per grid row, then along y per output row.
  const rowsX = new Float32Array(grid.h * width * k);
  for (let gy = 0; gy < grid.h; gy++) {
    for (let x = 0; x < width; x++) {
      const a = (gy * grid.w + xs.i0[x]) * k;
      const b = (gy * grid.w + xs.i1[x]) * k;
      const t = xs.t[x];
      const o = (gy * width + x) * k;
      for (let c = 0; c < k; c++) rowsX[o + c] = S[a + c] * (1 - t) + S[b + c] * t;
    }
  }
  for (let y = 0; y < height; y++) {
    const ra = ys.i0[y] * width * k;
    const rb = ys.i1[y] * width * k;
    const t = ys.t[y];
    const row = y * width;
    const sureRow = sure.rowOf[y] * sure.cols;
    // Columns come in runs that blend the same two grid columns: a clear run is filled at once.
    for (let s = 0; s < sure.spans.length; s += 3) {
      const from = sure.spans[s + 1];
      const to = sure.spans[s + 2];
      const w = sure.winner[sureRow + sure.spans[s]];
      if (w >= 0) {
        conceptOf.fill(w, row + from, row + to);
        counts[w] += to - from;
        continue;
      }
      for (let x = from; x < to; x++) {
        let best = 0;
        let bestV = -Infinity;
        const oa = ra + x * k;
        const ob = rb + x * k;
        for (let c = 0; c < k; c++) {
          const v = rowsX[oa + c] * (1 - t) + rowsX[ob + c] * t;
          if (v > bestV) {
            bestV = v;
            best = c;
          }
        }
        conceptOf[row + x] = best;
        counts[best]++;
      }
    }
  }
  const remap = new Int32Array(k).fill(-1);
  const concepts: number[] = [];
  const pixelCounts: number[] = [];
  for (let c = 0; c < k; c++) {
    if (counts[c] > 0) {
      remap[c] = concepts.length;
      concepts.push(c);
      pixelCounts.push(counts[c]);
    }
  }
  // Renumbered in place: the concept map becomes the region map.
  const labels = conceptOf;
  if (concepts.length < k) for (let p = 0; p < labels.length; p++) labels[p] = remap[labels[p]];
  return { width, height, labels, count: concepts.length, concepts, pixelCounts };
}

type Taps = ReturnType<typeof bilinearTaps>;

/**
 * For each pair of grid rows × pair of grid columns that output pixels blend
 * (a pixel's taps i0/i1), the concept all four patches prefer by more than
 * the margin, or -1. Output rows index it through rowOf, runs of output
 * columns through spans.
 */
function clearWinners(S: Float32Array, n: number, k: number, gw: number, xs: Taps, ys: Taps) {
  let scale = 0;
  for (let i = 0; i < S.length; i++) scale = Math.max(scale, Math.abs(S[i]));
  const tol = 1e-5 * scale;
  // Per patch: its first-max concept, and whether it beats every other concept by more than tol.
  const top = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (S[p * k + c] > S[p * k + best]) best = c;
    let clear = true;
    for (let c = 0; c < k && clear; c++) if (c !== best && !(S[p * k + best] - S[p * k + c] > tol)) clear = false;
    top[p] = clear ? best : -1;
  }
  const pairs = (taps: Taps) => {
    const index = new Map<number, number>();
    const of = new Int32Array(taps.i0.length);
    const list: Array<[number, number]> = [];
    for (let o = 0; o < of.length; o++) {
      const key = taps.i0[o] * 65536 + taps.i1[o];
      let at = index.get(key);
      if (at === undefined) {
        index.set(key, (at = list.length));
        list.push([taps.i0[o], taps.i1[o]]);
      }
      of[o] = at;
    }
    return { of, list };
  };
  const rows = pairs(ys);
  const cols = pairs(xs);
  const winner = new Int32Array(rows.list.length * cols.list.length);
  for (const [ri, [r0, r1]] of rows.list.entries()) {
    for (const [ci, [c0, c1]] of cols.list.entries()) {
      const w = top[r0 * gw + c0];
      winner[ri * cols.list.length + ci] = w >= 0 && top[r0 * gw + c1] === w && top[r1 * gw + c0] === w && top[r1 * gw + c1] === w ? w : -1;
    }
  }
  // [pair, from, to) runs of output columns (pairs are monotone in x, so each pair is one run).
  const spans: number[] = [];
  for (let x = 0; x < cols.of.length; x++) {
    if (x === 0 || cols.of[x] !== cols.of[x - 1]) spans.push(cols.of[x], x, x + 1);
    else spans[spans.length - 1] = x + 1;
  }
  return { winner, rowOf: rows.of, cols: cols.list.length, spans };
}

/**
 * How many pixels of each region fall in each patch of the grid (the image
 * is resized to the grid, so patch (r, c) covers rows [r·H/h, (r+1)·H/h)).
 * Returns regions × n. Lets classifiers sum per-patch quantities (attention,
 * dense features) over a region's pixels without upsampling them.
 */
export function regionPatchOverlap(regions: RegionMap, grid: { h: number; w: number }): Float32Array {
  const n = grid.h * grid.w;
  const out = new Float32Array(regions.count * n);
  const colPatch = new Int32Array(regions.width);
  for (let x = 0; x < regions.width; x++) colPatch[x] = Math.min(grid.w - 1, Math.floor(((x + 0.5) * grid.w) / regions.width));
  for (let y = 0; y < regions.height; y++) {
    const pr = Math.min(grid.h - 1, Math.floor(((y + 0.5) * grid.h) / regions.height)) * grid.w;
    const row = y * regions.width;
    for (let x = 0; x < regions.width; x++) out[regions.labels[row + x] * n + pr + colPatch[x]]++;
  }
  return out;
}

/** Bounding box of each region: [x0, y0, x1, y1) in pixels. */
export function regionBoxes(regions: RegionMap): Array<[number, number, number, number]> {
  const boxes: Array<[number, number, number, number]> = Array.from({ length: regions.count }, () => [Infinity, Infinity, -1, -1]);
  for (let y = 0; y < regions.height; y++) {
    for (let x = 0; x < regions.width; x++) {
      const b = boxes[regions.labels[y * regions.width + x]];
      if (x < b[0]) b[0] = x;
      if (y < b[1]) b[1] = y;
      if (x + 1 > b[2]) b[2] = x + 1;
      if (y + 1 > b[3]) b[3] = y + 1;
    }
  }
  return boxes;
}
