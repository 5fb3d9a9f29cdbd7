import { describe, expect, it } from 'vitest';
import { conceptPool, matchedIoU, syntheticImages } from '../bench/data/synthetic.js';

describe('syntheticImages', () => {
  it('plants 1–6 concepts in coherent regions of at least minRegion patches, deterministically', () => {
    const imgs = syntheticImages({ count: 40, seed: 3, dim: 32 });
    const again = syntheticImages({ count: 40, seed: 3, dim: 32 });
    expect(Array.from(again[7].features.tokens)).toEqual(Array.from(imgs[7].features.tokens));
    const counts = new Set(imgs.map((im) => im.concepts));
    expect([...counts].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    for (const im of imgs) {
      const sizes = new Array<number>(im.concepts).fill(0);
      for (const l of im.labels) sizes[l]++;
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(6);
      expect(im.features.tokens.length).toBe(196 * 32);
    }
  });

  it('image sets with different seeds share the concept pool of their poolSeed (train and test vocabularies)', () => {
    // Noise-free patches equal scale · pool direction, so each patch's best cosine with the pool is 1.
    const pool = conceptPool(0, 16, 32);
    const other = conceptPool(1, 16, 32);
    const bestCos = (x: Float32Array, dirs: Float32Array[]) =>
      Math.max(
        ...dirs.map((u) => {
          let dot = 0;
          for (let t = 0; t < x.length; t++) dot += x[t] * u[t];
          return dot / Math.hypot(...x);
        }),
      );
    for (const seed of [1000, 2000]) {
      const [im] = syntheticImages({ count: 1, seed, dim: 32, noise: 0 });
      const x = im.features.tokens.subarray(0, 32);
      expect(bestCos(x, pool)).toBeCloseTo(1, 5);
      expect(bestCos(x, other)).toBeLessThan(0.9);
    }
  });

  it.each([0, 0.7])('patches of one concept are closer to each other than to other concepts (shared %s)', (shared) => {
    const [im] = syntheticImages({ count: 20, seed: 1, dim: 64, shared }).filter((x) => x.concepts >= 2);
    const d = 64;
    const cos = (i: number, j: number) => {
      let s = 0,
        a = 0,
        b = 0;
      for (let t = 0; t < d; t++) {
        const x = im.features.tokens[i * d + t],
          y = im.features.tokens[j * d + t];
        s += x * y;
        a += x * x;
        b += y * y;
      }
      return s / Math.sqrt(a * b);
    };
    const same: number[] = [];
    const other: number[] = [];
    for (let i = 0; i < 196; i += 7) for (let j = i + 1; j < 196; j += 5) (im.labels[i] === im.labels[j] ? same : other).push(cos(i, j));
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(same)).toBeGreaterThan(mean(other) + 0.3);
    // Expected cosines: across concepts shared²/(1 + shared² + noise²), within (1 + shared²)/(same).
    // (random pool directions are only nearly orthogonal at d = 64: ±1/8)
    expect(Math.abs(mean(other) - (shared * shared) / (1 + shared * shared + 0.64))).toBeLessThan(0.125);
  });
});

describe('matchedIoU', () => {
  it('is 1 for a relabelled perfect segmentation and matches a hand-worked case', () => {
    const truth = new Uint8Array([0, 0, 1, 1, 2, 2]);
    expect(matchedIoU(truth, 3, [2, 2, 0, 0, 1, 1], 3)).toBe(1);
    // One region for everything: best match IoU(t0, f0) = 2/6 for any t; the others get 0 → (1/3)/3.
    expect(matchedIoU(truth, 3, [0, 0, 0, 0, 0, 0], 1)).toBeCloseTo(1 / 9, 12);
    // Over-segmentation: t0 split in two; IoU(t0,f0) = 1/2, t1 = 1, t2 = 1 → 2.5/3.
    expect(matchedIoU(truth, 3, [0, 3, 1, 1, 2, 2], 4)).toBeCloseTo(2.5 / 3, 12);
    // Matching must be one-to-one and global: greedy would give t0→f0 (.5+...).
    expect(matchedIoU(new Uint8Array([0, 0, 0, 1]), 2, [0, 0, 1, 1], 2)).toBeCloseTo((2 / 3 + 1 / 2) / 2, 12);
  });
});
