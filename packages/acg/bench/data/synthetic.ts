import type { FeatureMap } from '@acseg/core';
import { Rng } from '../../src/model/rng.js';

/**
 * Synthetic feature maps with a planted number of concepts (method notes §8):
 * each image draws c ∈ [minConcepts, maxConcepts] concepts from a pool of
 * unit directions in R^d (a "vocabulary" shared by all images, as DINO's
 * classes are), carves the patch grid into c spatially coherent regions of
 * unequal size (weighted Voronoi cells around random seeds), and sets each
 * patch to its concept's direction plus Gaussian noise, times `scale`.
 */
export interface SyntheticOptions {
  count: number;
  seed: number;
  /** Feature dimension (ViT-S: 384). */
  dim: number;
  grid: { h: number; w: number };
  minConcepts: number;
  maxConcepts: number;
  /** Directions in the shared pool. */
  poolSize: number;
  /** Noise norm relative to the unit signal (per-dimension σ = noise / √d). */
  noise: number;
  /** Smallest region, in patches. */
  minRegion: number;
  /**
   * Overall scale of the features; default √d, so coordinates have variance ≈ 1 like the LayerNorm outputs a ViT
   * emits (DINO's tokens). Cosines ignore it, attention does not: unit-norm features would be drowned by the
   * ACG's LayerNorm-scaled prototypes (norm ≈ √d).
   */
  scale?: number;
  /**
   * Weight of one direction shared by every patch of every image (0 = none). ViT features have such a common
   * component (DINO tokens of unrelated objects still have positive cosine); with it, A_ij > 0 across concepts.
   */
  shared: number;
  /**
   * Seed of the concept pool, separate from `seed` (which draws the images): a training set and a held-out set
   * made with different `seed`s share the pool (the vocabulary), as DINO's classes recur across images.
   * Before 2026-11-25 the pool was drawn from `seed`, so train and test sets had unrelated vocabularies.
   */
  poolSeed: number;
}

export const SYNTHETIC_DEFAULTS: SyntheticOptions = {
  count: 100,
  seed: 0,
  dim: 384,
  grid: { h: 14, w: 14 },
  minConcepts: 1,
  maxConcepts: 6,
  poolSize: 16,
  noise: 0.8,
  minRegion: 6,
  shared: 0,
  poolSeed: 0,
};

export interface SyntheticImage {
  features: FeatureMap;
  /** Planted concept index (0..concepts-1) per patch. */
  labels: Uint8Array;
  /** Number of planted concepts. */
  concepts: number;
}

/** The shared pool of concept directions (unit vectors), fixed by `seed`. */
export function conceptPool(seed: number, size: number, dim: number): Float32Array[] {
  const rng = new Rng(seed ^ 0x5eed);
  return Array.from({ length: size }, () => {
    const v = Float32Array.from({ length: dim }, () => rng.normal());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

/** Weighted-Voronoi partition of the grid into `c` regions, each ≥ minRegion patches. */
export function plantRegions(rng: Rng, grid: { h: number; w: number }, c: number, minRegion: number): Uint8Array {
  const n = grid.h * grid.w;
  for (let attempt = 0; ; attempt++) {
    const seeds = Array.from({ length: c }, () => ({ y: rng.uniform(0, grid.h), x: rng.uniform(0, grid.w), weight: rng.uniform(0.4, 1.6) }));
    const labels = new Uint8Array(n);
    const sizes = new Array<number>(c).fill(0);
    for (let y = 0; y < grid.h; y++) {
      for (let x = 0; x < grid.w; x++) {
        let best = 0;
        let bestD = Infinity;
        seeds.forEach((s, j) => {
          const dist = Math.hypot(y + 0.5 - s.y, x + 0.5 - s.x) / s.weight;
          if (dist < bestD) {
            bestD = dist;
            best = j;
          }
        });
        labels[y * grid.w + x] = best;
        sizes[best]++;
      }
    }
    if (sizes.every((s) => s >= minRegion) || attempt > 200) return labels;
  }
}

export function syntheticImages(options: Partial<SyntheticOptions> = {}): SyntheticImage[] {
  const o = { ...SYNTHETIC_DEFAULTS, ...options };
  const pool = conceptPool(o.poolSeed, o.poolSize + 1, o.dim);
  const common = pool.pop()!;
  const rng = new Rng(o.seed);
  const n = o.grid.h * o.grid.w;
  const sigma = o.noise / Math.sqrt(o.dim);
  const scale = o.scale ?? Math.sqrt(o.dim);
  return Array.from({ length: o.count }, (_, idx) => {
    const c = o.minConcepts + rng.int(o.maxConcepts - o.minConcepts + 1);
    const chosen = rng.permutation(o.poolSize).slice(0, c);
    const labels = plantRegions(rng, o.grid, c, o.minRegion);
    const tokens = new Float32Array(n * o.dim);
    for (let i = 0; i < n; i++) {
      const mu = pool[chosen[labels[i]]];
      for (let t = 0; t < o.dim; t++) tokens[i * o.dim + t] = scale * (mu[t] + o.shared * common[t] + sigma * rng.normal());
    }
    return {
      features: { id: `synthetic-${o.seed}-${idx}`, grid: o.grid, dim: o.dim, tokens, imageSize: { width: o.grid.w * 16, height: o.grid.h * 16 } },
      labels,
      concepts: c,
    };
  });
}

/**
 * Mean IoU over the planted concepts after a one-to-one matching of found
 * regions to planted concepts that maximizes the total IoU (exact, by
 * dynamic programming over subsets of planted concepts; unmatched → 0).
 */
export function matchedIoU(truth: Uint8Array, trueCount: number, found: ArrayLike<number>, foundCount: number): number {
  const iou: number[][] = Array.from({ length: trueCount }, () => new Array<number>(foundCount).fill(0));
  const inter = Array.from({ length: trueCount }, () => new Array<number>(foundCount).fill(0));
  const tSize = new Array<number>(trueCount).fill(0);
  const fSize = new Array<number>(foundCount).fill(0);
  for (let i = 0; i < truth.length; i++) {
    inter[truth[i]][found[i]]++;
    tSize[truth[i]]++;
    fSize[found[i]]++;
  }
  for (let t = 0; t < trueCount; t++) for (let f = 0; f < foundCount; f++) iou[t][f] = inter[t][f] / (tSize[t] + fSize[f] - inter[t][f] || 1);
  // best[mask] = max total IoU matching the planted concepts in `mask` to the first f found regions.
  const full = 1 << trueCount;
  let best = new Float64Array(full).fill(-Infinity);
  best[0] = 0;
  for (let f = 0; f < foundCount; f++) {
    const next = best.slice();
    for (let mask = 0; mask < full; mask++) {
      if (best[mask] === -Infinity) continue;
      for (let t = 0; t < trueCount; t++) {
        if (mask & (1 << t)) continue;
        const v = best[mask] + iou[t][f];
        if (v > next[mask | (1 << t)]) next[mask | (1 << t)] = v;
      }
    }
    best = next;
  }
  return Math.max(...best) / trueCount;
}
