import { describe, expect, it } from 'vitest';
import type { RegionMap } from '@acseg/core';
import { classEmbeddings, nearestClass, normalizeRows, regionEmbeddings } from './embeddings.js';

/** A region map from a label image. */
function regionMap(width: number, height: number, labels: number[]): RegionMap {
  const count = Math.max(...labels) + 1;
  const pixelCounts = Array.from({ length: count }, (_, r) => labels.filter((l) => l === r).length);
  return { width, height, labels: Uint16Array.from(labels), count, concepts: pixelCounts.map((_, i) => i), pixelCounts };
}

describe("regionEmbeddings (mean of the pixels' dense features)", () => {
  it("weights each patch by the region's pixels in it (hand-worked 2×2 grid, 4×4 image)", () => {
    // Patch features (d = 2): p0 = (1,0), p1 = (0,1), p2 = (1,1)/√2, p3 = (-1,0).
    const s = Math.SQRT1_2;
    const dense = new Float32Array([1, 0, 0, 1, s, s, -1, 0]);
    // Region 1 = the top-left patch's 4 pixels + 2 pixels of the top-right patch; region 0 = the rest.
    const labels = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const emb = regionEmbeddings(dense, { h: 2, w: 2 }, 2, regionMap(4, 4, labels));
    // Region 1: (4·(1,0) + 2·(0,1)) / 6 = (2/3, 1/3) → normalized (2, 1)/√5.
    expect(emb[2]).toBeCloseTo(2 / Math.sqrt(5), 6);
    expect(emb[3]).toBeCloseTo(1 / Math.sqrt(5), 6);
    // Region 0: 2·(0,1) + 4·(s,s) + 4·(−1,0) = (4s − 4, 2 + 4s).
    const x = 4 * s - 4;
    const y = 2 + 4 * s;
    const n = Math.hypot(x, y);
    expect(emb[0]).toBeCloseTo(x / n, 6);
    expect(emb[1]).toBeCloseTo(y / n, 6);
  });

  it('matches a brute-force per-pixel mean on a random case', () => {
    const g = { h: 3, w: 4 };
    const d = 5;
    const W = 13;
    const H = 7;
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const dense = new Float32Array(g.h * g.w * d).map(() => rnd() * 2 - 1);
    const labels = Array.from({ length: W * H }, (_, p) => ((p % W) + Math.floor(p / W)) % 3);
    const emb = regionEmbeddings(dense, g, d, regionMap(W, H, labels));
    for (let r = 0; r < 3; r++) {
      const sum = new Float64Array(d);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          if (labels[y * W + x] !== r) continue;
          // Nearest patch of a pixel centre when the image is squashed onto the grid.
          const p = Math.floor(((y + 0.5) / H) * g.h) * g.w + Math.floor(((x + 0.5) / W) * g.w);
          for (let j = 0; j < d; j++) sum[j] += dense[p * d + j];
        }
      }
      const n = Math.hypot(...sum);
      for (let j = 0; j < d; j++) expect(emb[r * d + j]).toBeCloseTo(sum[j] / n, 5);
    }
  });
});

describe('classEmbeddings (mean over templates of normalized text features, normalized again)', () => {
  it('hand-worked: two templates per class', () => {
    // Class 0: (3,4) and (0,2) → (0.6,0.8) and (0,1) → mean (0.3,0.9) → /√0.9.
    // Class 1: (−2,0) and (−1,0) → (−1,0) both.
    const f = new Float32Array([3, 4, 0, 2, -2, 0, -1, 0]);
    const c = classEmbeddings(f, 2, 2, 2);
    const n = Math.hypot(0.3, 0.9);
    expect(c[0]).toBeCloseTo(0.3 / n, 6);
    expect(c[1]).toBeCloseTo(0.9 / n, 6);
    expect(Array.from(c.subarray(2))).toEqual([-1, 0]);
  });
});

describe('nearestClass', () => {
  it('names planted features by the closest class among the candidates only', () => {
    const classes = normalizeRows(new Float32Array([0, 0, 1, 0, 0, 1, 0.9, 0.1]), 2); // class 0 unused (background)
    const region = normalizeRows(new Float32Array([1, 0.05, 0.1, 1]), 2);
    expect(nearestClass(region, 0, classes, 2, [1, 2, 3])).toMatchObject({ classId: 1 });
    expect(nearestClass(region, 2, classes, 2, [1, 2, 3])).toMatchObject({ classId: 2 });
    // Without class 1 the first region goes to class 3 (0.9, 0.1), its nearest remaining.
    const r = nearestClass(region, 0, classes, 2, [2, 3]);
    expect(r.classId).toBe(3);
    expect(r.score).toBeCloseTo((0.9 + 0.005) / (Math.hypot(0.9, 0.1) * Math.hypot(1, 0.05)), 6);
  });

  it('breaks ties towards the lower class id', () => {
    const classes = new Float32Array([1, 0, 1, 0]);
    expect(nearestClass(new Float32Array([1, 0]), 0, classes, 2, [0, 1]).classId).toBe(0);
  });
});
