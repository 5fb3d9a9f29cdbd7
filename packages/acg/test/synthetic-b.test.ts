import { describe, expect, it } from 'vitest';
import { SYNTHETIC_FAMILIES, isSyntheticFamily } from '../bench/data/families.js';
import { Rng } from '../src/model/rng.js';
import { syntheticImages } from '../bench/data/synthetic.js';
import { hierarchicalPool, sceneRegions, smoothField, syntheticImagesB } from '../bench/data/synthetic-b.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>, ao = 0, bo = 0, d = a.length) => {
  let s = 0;
  for (let t = 0; t < d; t++) s += a[ao + t] * b[bo + t];
  return s;
};
const cosAt = (x: Float32Array, i: number, j: number, d: number) =>
  dot(x, x, i * d, j * d, d) / Math.sqrt(dot(x, x, i * d, i * d, d) * dot(x, x, j * d, j * d, d));
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** 4-connected components of each label (brute-force flood fill). */
function components(labels: Uint8Array, w: number): Map<number, number> {
  const seen = new Uint8Array(labels.length);
  const out = new Map<number, number>();
  for (let s = 0; s < labels.length; s++) {
    if (seen[s]) continue;
    out.set(labels[s], (out.get(labels[s]) ?? 0) + 1);
    const stack = [s];
    seen[s] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      const y = Math.floor(i / w),
        x = i % w;
      for (const [yy, xx] of [
        [y - 1, x],
        [y + 1, x],
        [y, x - 1],
        [y, x + 1],
      ]) {
        const j = yy * w + xx;
        if (yy >= 0 && xx >= 0 && xx < w && j < labels.length && !seen[j] && labels[j] === labels[i]) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
  }
  return out;
}

describe('syntheticImagesB (family B, held out from recipe tuning)', () => {
  it('plants 1–6 concepts, each with at least minRegion patches, at the weighted frequencies, deterministically', () => {
    const imgs = syntheticImagesB({ count: 1300, seed: 5, dim: 4 });
    expect(Array.from(syntheticImagesB({ count: 3, seed: 5, dim: 4 })[2].features.tokens)).toEqual(Array.from(imgs[2].features.tokens));
    expect(Array.from(syntheticImagesB({ count: 3, seed: 6, dim: 4 })[2].features.tokens)).not.toEqual(Array.from(imgs[2].features.tokens));
    const freq = new Array<number>(6).fill(0);
    for (const im of imgs) {
      freq[im.concepts - 1]++;
      const sizes = new Array<number>(im.concepts).fill(0);
      for (const l of im.labels) sizes[l]++;
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(4);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(196);
    }
    // weights 2:3:3:2:1.5:1.5 of 13; binomial sd ≤ √(1300/4) ≈ 18, so 4 sd ≈ 72.
    [2, 3, 3, 2, 1.5, 1.5].forEach((wt, i) => expect(Math.abs(freq[i] - (1300 * wt) / 13)).toBeLessThan(72));
  });

  it('draws related concepts: cosine ≈ withinCos inside a group, ≈ 0 across groups; unit directions', () => {
    const pool = hierarchicalPool({ poolSeed: 0, supers: 4, perSuper: 6, withinCos: 0.4, nuisanceRank: 8, dim: 384 });
    expect(pool.concepts).toHaveLength(24);
    const within: number[] = [];
    const across: number[] = [];
    for (let i = 0; i < 24; i++) {
      expect(dot(pool.concepts[i], pool.concepts[i])).toBeCloseTo(1, 5);
      for (let j = i + 1; j < 24; j++) (Math.floor(i / 6) === Math.floor(j / 6) ? within : across).push(dot(pool.concepts[i], pool.concepts[j]));
    }
    expect(Math.abs(mean(within) - 0.4)).toBeLessThan(0.05);
    expect(Math.abs(mean(across))).toBeLessThan(0.05);
    expect(Math.max(...across.map(Math.abs))).toBeLessThan(0.3);
  });

  it('gives every patch the shared direction: without noise, cross-concept cosine = s²/(1 + s²) for unrelated concepts', () => {
    // withinCos 0: all 24 directions unrelated (|μa·μb|, |μ·ŝ| ≈ 1/√d), so patch = √d (μ + s ŝ) gives that cosine.
    const quiet = { withinCos: 0, nuisance: 0, smooth: 0, noise: [0, 0] as [number, number], variant: 0, normJitter: 0 };
    const d = 384;
    for (const shared of [0, 0.8]) {
      const imgs = syntheticImagesB({ count: 12, seed: 2, dim: d, shared, ...quiet }).filter((im) => im.concepts >= 2);
      expect(imgs.length).toBeGreaterThan(3);
      for (const im of imgs) {
        const first = im.labels.indexOf(0);
        const second = im.labels.indexOf(1);
        expect(cosAt(im.features.tokens, first, first + (im.labels[first + 1] === 0 ? 1 : 0), d)).toBeCloseTo(1, 5);
        expect(Math.abs(cosAt(im.features.tokens, first, second, d) - (shared * shared) / (1 + shared * shared))).toBeLessThan(0.15);
      }
    }
  });

  it('has positive affinity across concepts with the default noise (as ViT tokens), unlike family A', () => {
    const d = 128;
    const cross = (imgs: ReturnType<typeof syntheticImagesB>) =>
      mean(
        imgs
          .filter((im) => im.concepts >= 2)
          .flatMap((im) => {
            const out: number[] = [];
            for (let i = 0; i < 196; i += 3)
              for (let j = i + 1; j < 196; j += 7) if (im.labels[i] !== im.labels[j]) out.push(cosAt(im.features.tokens, i, j, d));
            return out;
          }),
      );
    expect(cross(syntheticImagesB({ count: 10, seed: 1, dim: d }))).toBeGreaterThan(0.15);
    expect(Math.abs(cross(syntheticImages({ count: 10, seed: 1, dim: d })))).toBeLessThan(0.05);
  });

  it('smoothField correlates neighbouring patches and not far ones', () => {
    const d = 256;
    const f = smoothField(new Rng(3), { h: 14, w: 14 }, 4, d, 1);
    const near: number[] = [];
    const far: number[] = [];
    for (let y = 0; y < 14; y++) for (let x = 0; x < 13; x++) near.push(cosAt(f, y * 14 + x, y * 14 + x + 1, d));
    for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) far.push(cosAt(f, y * 14 + x, (13 - y) * 14 + 13 - x, d));
    expect(mean(near)).toBeGreaterThan(0.8);
    expect(Math.abs(mean(far))).toBeLessThan(0.15);
  });

  it('sceneRegions makes bands under blobs: some regions are split by occlusion (never in a Voronoi cell of A)', () => {
    const rng = new Rng(9);
    let split = 0;
    let bandOnly = 0;
    for (let k = 0; k < 200; k++) {
      const c = 1 + (k % 6);
      const labels = sceneRegions(rng, { h: 14, w: 14 }, c, 4);
      const comps = components(labels, 14);
      expect(comps.size).toBe(c);
      if ([...comps.values()].some((v) => v > 1)) split++;
      // Bands only: each row is one label, or the row crosses a wavy border.
      if (c === 1) expect(new Set(labels).size).toBe(1);
      if (labels.every((l) => l === 0) && c === 1) bandOnly++;
    }
    expect(bandOnly).toBeGreaterThan(0);
    expect(split).toBeGreaterThan(5);
  });

  it('the family registry says which family recipes are tuned on and which is held out', () => {
    expect(SYNTHETIC_FAMILIES.A.role).toBe('tuning');
    expect(SYNTHETIC_FAMILIES.B.role).toBe('held out');
    expect(isSyntheticFamily('B')).toBe(true);
    expect(isSyntheticFamily('toString')).toBe(false);
    const [b] = SYNTHETIC_FAMILIES.B.make({ count: 1, seed: 4, dim: 8 });
    expect(Array.from(b.features.tokens)).toEqual(Array.from(syntheticImagesB({ count: 1, seed: 4, dim: 8 })[0].features.tokens));
  });
});
