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
 */
export function assignmentToRegions(input: UpsampleInput): RegionMap {
  const { assignment: S, k, grid, width, height } = input;
  const n = grid.h * grid.w;
  if (S.length !== n * k) throw new AcsegError('BAD_INPUT', `assignment holds ${S.length} values, expected ${n}×${k}`);
  if (width < 1 || height < 1) throw new AcsegError('BAD_INPUT', `image size ${width}×${height} is empty`);
  if (k > 65535) throw new AcsegError('BAD_INPUT', `too many concepts (${k})`);
  const xs = bilinearTaps(width, grid.w);
  const ys = bilinearTaps(height, grid.h);
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
    for (let x = 0; x < width; x++) {
      let best = 0;
      let bestV = -Infinity;
      const oa = ra + x * k;
      const ob = rb + x * k;
      for (let c = 0; c < k; c++) {
        const v = rowsX[oa + c] * (1 - t) + rowsX[ob + c] * t;
        if (v > bestV) { bestV = v; best = c; }
      }
      conceptOf[y * width + x] = best;
      counts[best]++;
    }
  }
  const remap = new Int32Array(k).fill(-1);
  const concepts: number[] = [];
  const pixelCounts: number[] = [];
  for (let c = 0; c < k; c++) {
    if (counts[c] > 0) { remap[c] = concepts.length; concepts.push(c); pixelCounts.push(counts[c]); }
  }
  const labels = new Uint16Array(width * height);
  for (let p = 0; p < labels.length; p++) labels[p] = remap[conceptOf[p]];
  return { width, height, labels, count: concepts.length, concepts, pixelCounts };
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
