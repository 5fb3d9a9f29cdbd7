import { AcsegError } from './errors.js';
import type { FeatureMap } from './features.js';
import { regionPatchOverlap, type RegionMap } from './regions.js';

/**
 * The background rule of the paper (§3.5, method notes §5), shared by the
 * concept classifiers: a region's foreground score is the sum over its pixels
 * of the last layer's CLS attention (heads reduced per patch with `min`, "a
 * pixel is likely to be foreground when it appears in at least one attention
 * head"); the scores of one image are split in two by 1-D 2-means and the
 * lower group is background. Backbones without attention fall back to the
 * border prior of Deep Spectral Methods.
 */
export type HeadReduce = 'min' | 'mean' | 'max';
export type RegionReduce = 'sum' | 'mean';
/** `auto`: attention when the features carry it, else the border prior. */
export type BackgroundRule = 'auto' | 'attention' | 'border';

export interface ForegroundScoreOptions {
  /** How the heads are reduced per patch. Default `min` (the paper's word). */
  headReduce?: HeadReduce;
  /** Sum over a region's pixels (default; favours large regions) or their mean. */
  regionReduce?: RegionReduce;
}

export interface BackgroundOptions extends ForegroundScoreOptions {
  /** Default `auto`. */
  rule?: BackgroundRule;
}

/** Relative spread under which scores count as equal (float noise of sums taken in different orders). */
const EQUAL_TOLERANCE = 1e-9;

function where(f: FeatureMap): string {
  return f.source ?? f.id;
}

/** The CLS attention of each patch with the heads reduced: n values. */
export function patchAttention(features: FeatureMap, headReduce: HeadReduce = 'min'): Float64Array {
  const att = features.attention;
  if (!att) throw new AcsegError('BAD_INPUT', `${where(features)}: the features carry no attention; use the border prior`, { file: features.source });
  const n = features.grid.h * features.grid.w;
  if (!Number.isInteger(att.heads) || att.heads < 1 || att.data.length !== att.heads * n) {
    throw new AcsegError('BAD_INPUT', `${where(features)}: attention holds ${att.data.length} values, expected ${att.heads} heads × ${n} patches`, {
      file: features.source,
    });
  }
  const out = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    let acc = headReduce === 'min' ? Infinity : headReduce === 'max' ? -Infinity : 0;
    for (let h = 0; h < att.heads; h++) {
      const v = att.data[h * n + p];
      if (!Number.isFinite(v)) throw new AcsegError('NUMERIC', `${where(features)}: attention of head ${h}, patch ${p} is ${v}`, { file: features.source });
      if (headReduce === 'min') acc = Math.min(acc, v);
      else if (headReduce === 'max') acc = Math.max(acc, v);
      else acc += v;
    }
    out[p] = headReduce === 'mean' ? acc / att.heads : acc;
  }
  return out;
}

/**
 * Foreground score per region: Σ over the region's pixels of its patch's
 * head-reduced attention (each pixel takes the attention of the patch it
 * falls in, see `regionPatchOverlap`), or that sum divided by the pixel
 * count with `regionReduce: 'mean'`. A region without pixels scores 0.
 */
export function foregroundScores(features: FeatureMap, regions: RegionMap, options: ForegroundScoreOptions = {}): Float64Array {
  const headReduce = options.headReduce ?? 'min';
  const regionReduce = options.regionReduce ?? 'sum';
  checkRegions(regions, features);
  const a = patchAttention(features, headReduce);
  const n = a.length;
  const overlap = regionPatchOverlap(regions, features.grid);
  const scores = new Float64Array(regions.count);
  for (let r = 0; r < regions.count; r++) {
    let s = 0;
    let pixels = 0;
    for (let p = 0; p < n; p++) {
      const c = overlap[r * n + p];
      if (c) {
        s += c * a[p];
        pixels += c;
      }
    }
    scores[r] = regionReduce === 'mean' ? (pixels ? s / pixels : 0) : s;
  }
  return scores;
}

function sse(sorted: readonly number[], from: number, to: number): number {
  let mean = 0;
  for (let i = from; i < to; i++) mean += sorted[i];
  mean /= to - from;
  let e = 0;
  for (let i = from; i < to; i++) e += (sorted[i] - mean) ** 2;
  return e;
}

/**
 * 1-D 2-means, exact: the values are sorted and every split between two
 * distinct values is tried; the split with the least within-cluster sum of
 * squares wins (an optimal 2-means partition of a line is such a split).
 * The lower cluster is background. Deterministic:
 * - no value → []; one value → foreground;
 * - all values equal (relative spread ≤ 1e-9) → all foreground;
 * - splits of equal SSE → the one with the fewest background values.
 */
export function splitBackground(scores: ArrayLike<number>): boolean[] {
  const m = scores.length;
  const out = new Array<boolean>(m).fill(false);
  if (m < 2) return out;
  const values = Array.from(scores);
  for (const v of values) if (!Number.isFinite(v)) throw new AcsegError('NUMERIC', `a foreground score is ${v}`);
  const sorted = [...values].sort((x, y) => x - y);
  const lo = sorted[0];
  const hi = sorted[m - 1];
  if (hi - lo <= EQUAL_TOLERANCE * Math.max(Math.abs(lo), Math.abs(hi))) return out;
  let best = Infinity;
  let threshold = hi;
  for (let s = 1; s < m; s++) {
    if (sorted[s] === sorted[s - 1]) continue;
    const e = sse(sorted, 0, s) + sse(sorted, s, m);
    // Strictly better by more than float noise: an earlier split (fewer background values) keeps ties.
    if (e < best * (1 - 1e-12)) {
      best = e;
      threshold = sorted[s];
    }
  }
  for (let i = 0; i < m; i++) out[i] = values[i] < threshold;
  return out;
}

/**
 * Border prior (Deep Spectral Methods) for backbones without attention: the
 * region that owns the most pixels of the image's outer frame (first and
 * last row and column, each pixel counted once) is background, every other
 * region foreground. Ties go to the region with more pixels, then to the
 * lower region index. One region → foreground (as with attention).
 */
export function borderPrior(regions: RegionMap): boolean[] {
  const out = new Array<boolean>(regions.count).fill(false);
  if (regions.count < 2) return out;
  const { width: w, height: h, labels } = regions;
  if (labels.length !== w * h) throw new AcsegError('BAD_INPUT', `region map holds ${labels.length} labels, expected ${w}×${h}`);
  const border = new Float64Array(regions.count);
  const add = (x: number, y: number) => {
    const r = labels[y * w + x];
    if (r >= regions.count) throw new AcsegError('BAD_INPUT', `region map has label ${r} at (${x}, ${y}) but only ${regions.count} regions`);
    border[r]++;
  };
  for (let x = 0; x < w; x++) {
    add(x, 0);
    if (h > 1) add(x, h - 1);
  }
  for (let y = 1; y < h - 1; y++) {
    add(0, y);
    if (w > 1) add(w - 1, y);
  }
  let best = 0;
  for (let r = 1; r < regions.count; r++) {
    if (border[r] > border[best] || (border[r] === border[best] && (regions.pixelCounts[r] ?? 0) > (regions.pixelCounts[best] ?? 0))) best = r;
  }
  out[best] = true;
  return out;
}

function checkRegions(regions: RegionMap, features: FeatureMap): void {
  if (regions.labels.length !== regions.width * regions.height) {
    throw new AcsegError('BAD_INPUT', `${where(features)}: region map holds ${regions.labels.length} labels, expected ${regions.width}×${regions.height}`, {
      file: features.source,
    });
  }
  for (let p = 0; p < regions.labels.length; p++) {
    if (regions.labels[p] >= regions.count) {
      throw new AcsegError('BAD_INPUT', `${where(features)}: region map has label ${regions.labels[p]} but only ${regions.count} regions`, {
        file: features.source,
      });
    }
  }
}

/**
 * Which regions of one image are background: the attention rule when the
 * features carry attention (or `rule: 'attention'`, which then requires it),
 * else the border prior. Regions without pixels are reported as background
 * (they label no pixel) and take no part in the split.
 */
export function backgroundRegions(features: FeatureMap, regions: RegionMap, options: BackgroundOptions = {}): boolean[] {
  const rule = options.rule ?? 'auto';
  const useAttention = rule === 'attention' || (rule === 'auto' && features.attention !== undefined);
  if (!useAttention) {
    checkRegions(regions, features);
    return borderPrior(regions);
  }
  const scores = foregroundScores(features, regions, options);
  const present: number[] = [];
  for (let r = 0; r < regions.count; r++) if ((regions.pixelCounts[r] ?? 1) > 0) present.push(r);
  const split = splitBackground(present.map((r) => scores[r]));
  const out = new Array<boolean>(regions.count).fill(true);
  present.forEach((r, i) => {
    out[r] = split[i];
  });
  return out;
}
