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

/** Refuses an assignment that does not fit its grid and image (what `assignmentToRegions` would refuse). */
function checkUpsample(input: UpsampleInput): void {
  const { assignment: S, k, grid, width, height } = input;
  const n = grid.h * grid.w;
  if (S.length !== n * k) throw new AcsegError('BAD_INPUT', `assignment holds ${S.length} values, expected ${n}×${k}`);
  if (width < 1 || height < 1) throw new AcsegError('BAD_INPUT', `image size ${width}×${height} is empty`);
  if (k > 65535) throw new AcsegError('BAD_INPUT', `too many concepts (${k})`);
}

/** Upsamplings that deferred `regions` properties still wait on (see deferRegions). */
const deferred = new WeakMap<object, UpsampleInput>();

/**
 * Gives `target` a `regions` property made from `input` by assignmentToRegions when first read, so that a caller
 * that only hands the image on (to an output worker) can have it made there instead, off the thread that segments
 * the next images (see deferredRegions). The input is checked now.
 */
export function deferRegions<T extends object>(target: T, input: UpsampleInput): T & { regions: RegionMap } {
  checkUpsample(input);
  deferred.set(target, input);
  let made: RegionMap | undefined;
  return Object.defineProperty(target, 'regions', {
    enumerable: true,
    configurable: true,
    get(): RegionMap {
      if (!made) {
        made = assignmentToRegions(input);
        deferred.delete(target);
      }
      return made;
    },
  }) as T & { regions: RegionMap };
}

/**
 * Gives a deferRegions target its region map made elsewhere (by `assignmentToRegions` of `deferredRegions(target)` on
 * another thread): the property then holds it, and nothing is made here.
 */
export function settleRegions(target: object, map: RegionMap): void {
  deferred.delete(target);
  Object.defineProperty(target, 'regions', { value: map, enumerable: true, configurable: true, writable: true });
}

/** What a `regions` property of deferRegions would be made from, while it has not been read; else undefined. */
export function deferredRegions(target: object): UpsampleInput | undefined {
  return deferred.get(target);
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
 * Pixels between the same four patches are scanned over only the concepts
 * that can win there (see blockCandidates): most such blocks have one, and
 * its pixels take it without blending k scores. The result is the same as
 * blending every pixel over all k concepts.
 */
export function assignmentToRegions(input: UpsampleInput): RegionMap {
  checkUpsample(input);
  const { assignment: S, k, grid, width, height } = input;
  const xs = bilinearTaps(width, grid.w);
  const ys = bilinearTaps(height, grid.h);
  const blocks = blockCandidates(S, k, grid.w, xs, ys);
  const { start, list } = blocks;
  // Pixels are written as their concept's rank among those in some block's list (the only ones that can win a pixel:
  // with non-finite scores nothing is pruned and every list holds every concept). When each of them wins a pixel
  // those ranks are the region numbers, and no pass over the pixels renumbers them (about half of CamVid frames).
  const rank = new Int32Array(k).fill(-1);
  for (let i = 0; i < list.length; i++) rank[list[i]] = 0;
  let possible = 0;
  for (let c = 0; c < k; c++) if (rank[c] === 0) rank[c] = possible++;
  const conceptOf = new Uint16Array(width * height);
  const counts = new Float64Array(k);
  // Per run of a row: its candidates' scores at both ends, and those left (see below).
  const { tol } = blocks;
  const ends = new Float64Array(2 * k);
  const alive = new Int32Array(k);
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
    const u = 1 - t;
    const row = y * width;
    const blockRow = blocks.rowOf[y] * blocks.cols;
    // Columns come in runs that blend the same two grid columns: a run with one candidate is filled at once.
    for (let s = 0; s < blocks.spans.length; s += 3) {
      const from = blocks.spans[s + 1];
      const to = blocks.spans[s + 2];
      const bi = blockRow + blocks.spans[s];
      let c0 = start[bi];
      let c1 = start[bi + 1];
      let cands = list;
      if (c1 - c0 > 1 && tol >= 0) {
        // Along this row the run's scores are affine in x but for float32 rounding (~1e-7 of the largest |score|):
        // a candidate that another beats by the margin at both ends of the run is beaten all along it, and the
        // first maximum over the rest is the first over all. About half of the blended pixels then have one left.
        const leftA = ra + from * k;
        const leftB = rb + from * k;
        const rightA = ra + (to - 1) * k;
        const rightB = rb + (to - 1) * k;
        for (let i = c0; i < c1; i++) {
          const c = list[i];
          ends[2 * (i - c0)] = rowsX[leftA + c] * u + rowsX[leftB + c] * t;
          ends[2 * (i - c0) + 1] = rowsX[rightA + c] * u + rowsX[rightB + c] * t;
        }
        let n = 0;
        for (let i = 0; i < c1 - c0; i++) {
          let beaten = false;
          for (let j = 0; j < c1 - c0 && !beaten; j++) beaten = j !== i && ends[2 * j] - ends[2 * i] > tol && ends[2 * j + 1] - ends[2 * i + 1] > tol;
          if (!beaten) alive[n++] = list[c0 + i];
        }
        cands = alive;
        c0 = 0;
        c1 = n;
      }
      if (c1 - c0 === 1) {
        const w = cands[c0];
        conceptOf.fill(rank[w], row + from, row + to);
        counts[w] += to - from;
        continue;
      }
      if (c1 - c0 === 2) {
        const p = cands[c0];
        const q = cands[c0 + 1];
        for (let x = from; x < to; x++) {
          const oa = ra + x * k;
          const ob = rb + x * k;
          const vp = rowsX[oa + p] * u + rowsX[ob + p] * t;
          const vq = rowsX[oa + q] * u + rowsX[ob + q] * t;
          // The loop below for two candidates (~10 % faster): the first maximum wins; a NaN never wins (both: concept 0).
          const w = vq > (vp > -Infinity ? vp : -Infinity) ? q : vp > -Infinity ? p : 0;
          conceptOf[row + x] = rank[w];
          counts[w]++;
        }
        continue;
      }
      for (let x = from; x < to; x++) {
        let best = 0;
        let bestV = -Infinity;
        const oa = ra + x * k;
        const ob = rb + x * k;
        for (let i = c0; i < c1; i++) {
          const c = cands[i];
          const v = rowsX[oa + c] * u + rowsX[ob + c] * t;
          if (v > bestV) {
            bestV = v;
            best = c;
          }
        }
        conceptOf[row + x] = rank[best];
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
  // Else renumbered in place: the map of ranks becomes the region map.
  const labels = conceptOf;
  if (concepts.length < possible) {
    const again = new Int32Array(possible);
    for (let c = 0; c < k; c++) if (rank[c] >= 0) again[rank[c]] = remap[c];
    for (let p = 0; p < labels.length; p++) labels[p] = again[labels[p]];
  }
  return { width, height, labels, count: concepts.length, concepts, pixelCounts };
}

type Taps = ReturnType<typeof bilinearTaps>;

/**
 * For each pair of grid rows × pair of grid columns that output pixels blend
 * (a pixel's taps i0/i1: a block), the concepts that can win a pixel there,
 * in increasing order: `list[start[b]]` to `list[start[b + 1]]` for block b.
 * Output rows index blocks through rowOf, runs of output columns through
 * spans.
 *
 * Concept c cannot win in a block when another concept d is at least as
 * large in all four patches, and d comes before c (ties go to d) or beats c
 * by the margin in all four. Rounding is monotone (a product with a weight
 * ≥ 0, a sum), so every blend keeps d at least as large as c, and the margin
 * (1e-5 of the largest |score|) is far above float32 rounding in a blend (a
 * few ulps), so it keeps d strictly larger. The winner of a pixel is never
 * such a c, and the first maximum over the rest is the first maximum over
 * all. Non-finite scores prune nothing.
 */
function blockCandidates(S: Float32Array, k: number, gw: number, xs: Taps, ys: Taps) {
  let scale = 0;
  for (let i = 0; i < S.length; i++) scale = Math.max(scale, Math.abs(S[i]));
  const tol = 1e-5 * scale;
  const prune = Number.isFinite(scale);
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
  const start = new Int32Array(rows.list.length * cols.list.length + 1);
  const list: number[] = [];
  const four = new Int32Array(4);
  for (const [ri, [r0, r1]] of rows.list.entries()) {
    for (const [ci, [c0, c1]] of cols.list.entries()) {
      four[0] = (r0 * gw + c0) * k;
      four[1] = (r0 * gw + c1) * k;
      four[2] = (r1 * gw + c0) * k;
      four[3] = (r1 * gw + c1) * k;
      for (let c = 0; c < k; c++) {
        let beaten = false;
        for (let d = 0; d < k && prune && !beaten; d++) {
          if (d === c) continue;
          beaten = true;
          for (let q = 0; q < 4 && beaten; q++) {
            const a = S[four[q] + d];
            const b = S[four[q] + c];
            if (d < c ? !(a >= b) : !(a - b > tol)) beaten = false;
          }
        }
        if (!beaten) list.push(c);
      }
      start[ri * cols.list.length + ci + 1] = list.length;
    }
  }
  // [pair, from, to) runs of output columns (pairs are monotone in x, so each pair is one run).
  const spans: number[] = [];
  for (let x = 0; x < cols.of.length; x++) {
    if (x === 0 || cols.of[x] !== cols.of[x - 1]) spans.push(cols.of[x], x, x + 1);
    else spans[spans.length - 1] = x + 1;
  }
  return { start, list: Int32Array.from(list), rowOf: rows.of, cols: cols.list.length, spans, tol: prune ? tol : -1 };
}

/** Overlaps made elsewhere (`givePatchOverlap`), by region map: what `regionPatchOverlap` returns for that grid. */
const givenOverlaps = new WeakMap<RegionMap, { h: number; w: number; overlap: Float32Array }>();

/**
 * Gives `regions` its `regionPatchOverlap` for `grid`, made elsewhere from the same map (by the thread that made the
 * map, as it sends the map over), so that the thread reading the map does not scan its pixels again. The overlap must
 * be `regionPatchOverlap(regions, grid)`; it is checked for size only.
 */
export function givePatchOverlap(regions: RegionMap, grid: { h: number; w: number }, overlap: Float32Array): void {
  if (overlap.length !== regions.count * grid.h * grid.w) {
    throw new AcsegError('BAD_INPUT', `patch overlap holds ${overlap.length} values, expected ${regions.count}×${grid.h}×${grid.w}`);
  }
  givenOverlaps.set(regions, { h: grid.h, w: grid.w, overlap });
}

/**
 * How many pixels of each region fall in each patch of the grid (the image
 * is resized to the grid, so patch (r, c) covers rows [r·H/h, (r+1)·H/h)).
 * Returns regions × n (read-only: it may be the one `givePatchOverlap` gave the map). Lets classifiers sum per-patch
 * quantities (attention, dense features) over a region's pixels without upsampling them.
 */
export function regionPatchOverlap(regions: RegionMap, grid: { h: number; w: number }): Float32Array {
  const given = givenOverlaps.get(regions);
  if (given && given.h === grid.h && given.w === grid.w) return given.overlap;
  const n = grid.h * grid.w;
  const out = new Float32Array(regions.count * n);
  const colPatch = new Int32Array(regions.width);
  for (let x = 0; x < regions.width; x++) colPatch[x] = Math.min(grid.w - 1, Math.floor(((x + 0.5) * grid.w) / regions.width));
  const { labels, width } = regions;
  // Counted by runs of one region within one patch column (~30 pixels on a CamVid row): an increment per run rather
  // than per pixel, the same whole numbers (exact in float32 far beyond a patch's pixel count).
  for (let y = 0; y < regions.height; y++) {
    const pr = Math.min(grid.h - 1, Math.floor(((y + 0.5) * grid.h) / regions.height)) * grid.w;
    const row = y * width;
    let x = 0;
    while (x < width) {
      const r = labels[row + x];
      const c = colPatch[x];
      let end = x + 1;
      while (end < width && labels[row + end] === r && colPatch[end] === c) end++;
      out[r * n + pr + c] += end - x;
      x = end;
    }
  }
  return out;
}

/** Bounding box of each region: [x0, y0, x1, y1) in pixels ([Infinity, Infinity, -1, -1] for a region without pixels). */
export function regionBoxes(regions: RegionMap): Array<[number, number, number, number]> {
  const { width, height, labels, count } = regions;
  const x0 = new Float64Array(count).fill(Infinity);
  const y0 = new Float64Array(count).fill(Infinity);
  const x1 = new Float64Array(count).fill(-1);
  const y1 = new Float64Array(count).fill(-1);
  // Runs of one region along a row bound it at their ends: one comparison per pixel, the box updated once a run.
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let x = 0;
    while (x < width) {
      const r = labels[row + x];
      let end = x + 1;
      while (end < width && labels[row + end] === r) end++;
      if (r >= count) throw new AcsegError('BAD_INPUT', `region map holds region ${r} but counts ${count}`);
      if (x < x0[r]) x0[r] = x;
      if (end > x1[r]) x1[r] = end;
      if (y < y0[r]) y0[r] = y;
      y1[r] = y + 1;
      x = end;
    }
  }
  return Array.from({ length: count }, (_, r) => [x0[r], y0[r], x1[r], y1[r]]);
}
