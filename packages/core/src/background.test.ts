import { describe, expect, it } from 'vitest';
import { backgroundRegions, borderPrior, foregroundScores, patchAttention, splitBackground } from './background.js';
import { AcsegError } from './errors.js';
import type { FeatureMap } from './features.js';
import type { RegionMap } from './regions.js';

function regionMap(width: number, height: number, rows: string[]): RegionMap {
  const labels = Uint16Array.from(rows.join('').split('').map(Number));
  const count = Math.max(...labels) + 1;
  const pixelCounts = new Array<number>(count).fill(0);
  for (const l of labels) pixelCounts[l]++;
  return { width, height, labels, count, concepts: Array.from({ length: count }, (_, i) => i), pixelCounts };
}

function features(grid: { h: number; w: number }, attention?: number[][]): FeatureMap {
  const n = grid.h * grid.w;
  return {
    id: 'img',
    source: 'img.jpg',
    grid,
    dim: 1,
    tokens: new Float32Array(n).fill(1),
    attention: attention && { heads: attention.length, data: Float32Array.from(attention.flat()) },
    imageSize: { width: 4, height: 2 },
  };
}

/** Independent check of 1-D 2-means: every 2-partition of the values, by brute force. */
function bruteForceSse(values: number[]): number {
  const m = values.length;
  let best = Infinity;
  for (let mask = 1; mask < (1 << m) - 1; mask++) {
    const groups: number[][] = [[], []];
    values.forEach((v, i) => groups[(mask >> i) & 1].push(v));
    const e = groups.reduce((acc, g) => {
      const mean = g.reduce((a, b) => a + b, 0) / g.length;
      return acc + g.reduce((a, b) => a + (b - mean) ** 2, 0);
    }, 0);
    best = Math.min(best, e);
  }
  return best;
}

function partitionSse(values: number[], bg: boolean[]): number {
  let e = 0;
  for (const side of [true, false]) {
    const g = values.filter((_, i) => bg[i] === side);
    if (!g.length) continue;
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    e += g.reduce((a, b) => a + (b - mean) ** 2, 0);
  }
  return e;
}

describe('patchAttention', () => {
  // 2 heads × 2 patches: head 0 = [0.1, 0.6], head 1 = [0.3, 0.2].
  const f = features({ h: 1, w: 2 }, [
    [0.1, 0.6],
    [0.3, 0.2],
  ]);
  it('reduces heads per patch with min (default), mean and max', () => {
    expect(Array.from(patchAttention(f))).toEqual([Math.fround(0.1), Math.fround(0.2)]);
    expect(Array.from(patchAttention(f, 'max'))).toEqual([Math.fround(0.3), Math.fround(0.6)]);
    const mean = patchAttention(f, 'mean');
    expect(mean[0]).toBeCloseTo(0.2, 7);
    expect(mean[1]).toBeCloseTo(0.4, 7);
  });
  it('refuses missing or misshapen attention, naming the file', () => {
    expect(() => patchAttention(features({ h: 1, w: 2 }))).toThrow(/img\.jpg.*no attention/);
    const bad = features({ h: 1, w: 2 }, [[0.1, 0.6, 0.3]]);
    expect(() => patchAttention(bad)).toThrow(AcsegError);
    expect(() => patchAttention(bad)).toThrow(/img\.jpg: attention holds 3 values, expected 1 heads × 2 patches/);
  });
});

describe('foregroundScores', () => {
  // Image 4×2 on a 1×2 grid: patch 0 covers x 0–1, patch 1 covers x 2–3.
  // Two heads [1, 2] and [3, 5] (integers keep the sums exact).
  const f = features({ h: 1, w: 2 }, [
    [1, 2],
    [3, 5],
  ]); // min → [1, 2], mean → [2, 3.5]
  const regions = regionMap(4, 2, ['0012', '0112']);
  // Region 0: pixels (0,0) (1,0) (0,1) → 3 pixels in patch 0.
  // Region 1: (2,0) in patch 1; (1,1) in patch 0, (2,1) in patch 1 → 1 in patch 0, 2 in patch 1.
  // Region 2: (3,0) (3,1) → 2 pixels in patch 1.
  it("sums the min-reduced attention over each region's pixels", () => {
    expect(Array.from(foregroundScores(f, regions))).toEqual([3 * 1, 1 * 1 + 2 * 2, 2 * 2]);
  });
  it('offers mean over heads and mean over pixels', () => {
    expect(Array.from(foregroundScores(f, regions, { headReduce: 'mean' }))).toEqual([3 * 2, 2 + 2 * 3.5, 2 * 3.5]);
    expect(Array.from(foregroundScores(f, regions, { headReduce: 'max', regionReduce: 'mean' }))).toEqual([3, (3 + 2 * 5) / 3, 5]);
  });
  it('refuses a region map whose labels exceed its count', () => {
    const broken = { ...regions, count: 2 };
    expect(() => foregroundScores(f, broken)).toThrow(/img\.jpg: region map has label 2 but only 2 regions/);
  });
});

describe('splitBackground', () => {
  it('puts the lower of two clear groups in the background', () => {
    expect(splitBackground([10, 1, 11, 2])).toEqual([false, true, false, true]);
    expect(splitBackground([5, 0.2])).toEqual([false, true]);
  });
  it('handles the edge cases as documented', () => {
    expect(splitBackground([])).toEqual([]);
    expect(splitBackground([3])).toEqual([false]); // one region → foreground
    expect(splitBackground([2, 2, 2])).toEqual([false, false, false]); // equal → all foreground
    expect(splitBackground([1, 1 + 1e-12])).toEqual([false, false]); // float noise counts as equal
    // [0, 1, 2]: {0}|{1,2} and {0,1}|{2} both have SSE 0.5 → fewest background.
    expect(splitBackground([2, 0, 1])).toEqual([false, true, false]);
    // Equal values never straddle the split.
    expect(splitBackground([1, 1, 5, 9, 9])).toEqual([true, true, false, false, false]);
  });
  it('reaches the brute-force optimum of 2-means on random scores', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let t = 0; t < 200; t++) {
      const m = 2 + (t % 8);
      const values = Array.from({ length: m }, () => Math.round(rand() * 20) / 4);
      const bg = splitBackground(values);
      if (new Set(values).size === 1) {
        expect(bg.every((b) => !b)).toBe(true);
        continue;
      }
      expect(partitionSse(values, bg)).toBeCloseTo(bruteForceSse(values), 9);
      // Lower cluster is background: every background value is below every foreground value.
      const maxBg = Math.max(...values.filter((_, i) => bg[i]));
      const minFg = Math.min(...values.filter((_, i) => !bg[i]));
      expect(maxBg).toBeLessThan(minFg);
    }
  });
  it('refuses non-finite scores', () => {
    expect(() => splitBackground([1, NaN])).toThrow(AcsegError);
  });
});

describe('borderPrior', () => {
  it('marks the region owning most of the outer frame as background', () => {
    // 5×4; the frame has 14 pixels: region 0 owns 9 of them, region 1 owns 5, region 2 (centre) none.
    const r = regionMap(5, 4, ['00000', '02201', '02201', '00111']);
    expect(borderPrior(r)).toEqual([true, false, false]);
  });
  it('breaks ties by pixel count, then by the lower index', () => {
    // 4×2: every pixel is on the frame. Region 0: 3 px, region 1: 3 px, region 2: 2 px.
    expect(borderPrior(regionMap(4, 2, ['0011', '0122']))).toEqual([true, false, false]);
    // 3 vs 3 border pixels, region 1 bigger (4 vs 3 pixels) — 3×3 with centre pixel to region 1.
    expect(borderPrior(regionMap(3, 3, ['000', '211', '211']))).toEqual([false, true, false]);
  });
  it('keeps a lone region in the foreground', () => {
    expect(borderPrior(regionMap(2, 2, ['00', '00']))).toEqual([false]);
  });
});

describe('backgroundRegions', () => {
  const regions = regionMap(4, 2, ['0012', '0112']);
  it('uses attention when present', () => {
    // min attention [1, 2] → scores [3, 5, 4]: 2-means splits {3} | {4, 5}.
    const f = features({ h: 1, w: 2 }, [
      [1, 2],
      [3, 5],
    ]);
    expect(backgroundRegions(f, regions)).toEqual([true, false, false]);
  });
  it('falls back to the border prior without attention, or when asked', () => {
    // Every pixel of a 4×2 image is on the frame: region 0 and 1 own 3 each, 0 is first.
    const f = features({ h: 1, w: 2 });
    expect(backgroundRegions(f, regions)).toEqual([true, false, false]);
    const withAttention = features({ h: 1, w: 2 }, [[5, 1]]); // scores [15, 7, 2]
    expect(backgroundRegions(withAttention, regions)).toEqual([false, true, true]);
    expect(backgroundRegions(withAttention, regions, { rule: 'border' })).toEqual([true, false, false]);
    expect(() => backgroundRegions(f, regions, { rule: 'attention' })).toThrow(/no attention/);
  });
  it('reports regions without pixels as background and leaves them out of the split', () => {
    const f = features({ h: 1, w: 2 }, [[1, 2]]);
    const withEmpty: RegionMap = { ...regions, count: 4, concepts: [0, 1, 2, 3], pixelCounts: [...regions.pixelCounts, 0] };
    // Scores of the present regions [3, 5, 4] split as before; the empty one is background.
    expect(backgroundRegions(f, withEmpty)).toEqual([true, false, false, true]);
  });
});
