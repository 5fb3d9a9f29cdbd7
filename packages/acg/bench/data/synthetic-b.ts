import { Rng } from '../../src/model/rng.js';
import type { SyntheticImage } from './synthetic.js';

/**
 * Family B of the synthetic benchmark: planted-concept images made differently from family A (`synthetic.ts`), so
 * that a training recipe tuned on A can be checked on data it never saw. No recipe may be tuned on B
 * (`families.ts` says which family is which). Differences from A, one per way a generator can bias a recipe:
 * - concept directions: a hierarchy (`supers` groups of `perSuper` directions, cosine ≈ `withinCos` inside a
 *   group) instead of 16 independent random ones, so an image can hold two related concepts;
 * - regions: horizontal bands with wavy borders (stuff: sky, road) under elliptical blobs painted on top (things),
 *   with log-uniform areas, instead of weighted-Voronoi cells; regions can be non-convex or split by occlusion;
 * - the shared direction that ViT tokens have: always on (`shared`), and tilted per image (`sharedJitter`);
 * - noise: a low-rank nuisance shared by all images (`nuisanceRank` directions), a smooth field that crosses region
 *   borders (lighting), white noise whose level differs per region, a within-region gradient along a second
 *   direction (`variant`), and a per-patch norm jitter; A has isotropic white noise only;
 * - the number of concepts: `countWeights` over 1..6 (A: uniform).
 */
export interface SyntheticBOptions {
  count: number;
  seed: number;
  dim: number;
  grid: { h: number; w: number };
  /** Seed of the concept hierarchy, the shared direction and the nuisance basis (shared by train and test sets). */
  poolSeed: number;
  supers: number;
  perSuper: number;
  /** Cosine of two directions of one group (their common part has weight √withinCos). */
  withinCos: number;
  /** Relative frequency of 1, 2, ... concepts per image. */
  countWeights: number[];
  /** Norm of the shared component relative to the unit concept direction. */
  shared: number;
  /** Weight of the per-image random tilt of the shared direction (before renormalising it). */
  sharedJitter: number;
  nuisanceRank: number;
  /** Standard deviation of each nuisance coefficient. */
  nuisance: number;
  /** Expected norm of the smooth field. */
  smooth: number;
  /** Side of the coarse grid that the smooth field is interpolated from. */
  smoothGrid: number;
  /** White-noise norm, drawn per region uniformly in [lo, hi]. */
  noise: [number, number];
  /** Norm of the within-region gradient at the region's ends. */
  variant: number;
  /** Standard deviation of the log of a patch's norm factor. */
  normJitter: number;
  minRegion: number;
  /** Default √d (LayerNorm-like coordinates, as family A). */
  scale?: number;
}

export const SYNTHETIC_B_DEFAULTS: SyntheticBOptions = {
  count: 100,
  seed: 0,
  dim: 384,
  grid: { h: 14, w: 14 },
  poolSeed: 0,
  supers: 4,
  perSuper: 6,
  withinCos: 0.4,
  countWeights: [2, 3, 3, 2, 1.5, 1.5],
  shared: 0.8,
  sharedJitter: 0.5,
  nuisanceRank: 8,
  nuisance: 0.15,
  smooth: 0.5,
  smoothGrid: 4,
  noise: [0.4, 1.1],
  variant: 0.3,
  normJitter: 0.15,
  minRegion: 4,
};

function unit(rng: Rng, dim: number): Float32Array {
  const v = Float32Array.from({ length: dim }, () => rng.normal());
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

export interface HierarchicalPool {
  /** supers × perSuper unit directions, group by group. */
  concepts: Float32Array[];
  common: Float32Array;
  nuisance: Float32Array[];
}

/** The concept hierarchy, the shared direction and the nuisance basis, fixed by `poolSeed`. */
export function hierarchicalPool(o: Pick<SyntheticBOptions, 'poolSeed' | 'supers' | 'perSuper' | 'withinCos' | 'nuisanceRank' | 'dim'>): HierarchicalPool {
  const rng = new Rng(o.poolSeed ^ 0xb00b5);
  const a = Math.sqrt(o.withinCos);
  const b = Math.sqrt(1 - o.withinCos);
  const concepts: Float32Array[] = [];
  for (let s = 0; s < o.supers; s++) {
    const parent = unit(rng, o.dim);
    for (let j = 0; j < o.perSuper; j++) {
      const own = unit(rng, o.dim);
      const v = parent.map((p, t) => a * p + b * own[t]);
      const norm = Math.hypot(...v);
      concepts.push(v.map((x) => x / norm));
    }
  }
  const common = unit(rng, o.dim);
  const nuisance = Array.from({ length: o.nuisanceRank }, () => unit(rng, o.dim));
  return { concepts, common, nuisance };
}

/**
 * Bands then blobs: the first b ∈ [1, min(c, 3)] concepts are horizontal bands with sinusoidal borders, the others
 * ellipses (log-uniform area in [2·minRegion, 0.3·n], aspect 0.5–2, any orientation) painted in order on top.
 * Every concept keeps ≥ minRegion patches: layouts that miss are redrawn, and after 100 misses the image falls back
 * to c flat bands (each ≥ ⌊h/c⌋ rows).
 */
export function sceneRegions(rng: Rng, grid: { h: number; w: number }, c: number, minRegion: number): Uint8Array {
  const { h, w } = grid;
  const n = h * w;
  const labels = new Uint8Array(n);
  for (let attempt = 0; attempt < 100; attempt++) {
    const bands = 1 + rng.int(Math.min(c, 3));
    const cuts = Array.from({ length: bands - 1 }, () => ({
      y: rng.uniform(1, h - 1),
      amp: rng.uniform(0, 1.5),
      period: rng.uniform(5, 14),
      phase: rng.uniform(0, 2 * Math.PI),
    }));
    // A patch's band is the number of borders above it, so band j is concept j whatever order the cuts came in.
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        labels[y * w + x] = cuts.filter((k) => y + 0.5 > k.y + k.amp * Math.sin((2 * Math.PI * (x + 0.5)) / k.period + k.phase)).length;
      }
    }
    for (let j = bands; j < c; j++) {
      const area = Math.exp(rng.uniform(Math.log(2 * minRegion), Math.log(0.3 * n)));
      const aspect = Math.exp(rng.uniform(Math.log(0.5), Math.log(2)));
      const theta = rng.uniform(0, Math.PI);
      const cy = rng.uniform(0, h);
      const cx = rng.uniform(0, w);
      const ra = Math.sqrt((area * aspect) / Math.PI);
      const rb = Math.sqrt(area / (aspect * Math.PI));
      const cos = Math.cos(theta);
      const sin = Math.sin(theta);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const dx = x + 0.5 - cx;
          const dy = y + 0.5 - cy;
          const u = (dx * cos + dy * sin) / ra;
          const v = (-dx * sin + dy * cos) / rb;
          if (u * u + v * v <= 1) labels[y * w + x] = j;
        }
      }
    }
    const sizes = new Array<number>(c).fill(0);
    for (const l of labels) sizes[l]++;
    if (sizes.every((s) => s >= minRegion)) return labels;
  }
  for (let y = 0; y < h; y++) labels.fill(Math.floor((y * c) / h), y * w, (y + 1) * w);
  return labels;
}

/** Bilinear interpolation at the patch centres of a coarse g × g field of d-vectors. */
export function smoothField(rng: Rng, grid: { h: number; w: number }, g: number, dim: number, sigma: number): Float32Array {
  const coarse = Float32Array.from({ length: g * g * dim }, () => sigma * rng.normal());
  const out = new Float32Array(grid.h * grid.w * dim);
  const at = (v: number, size: number) => {
    const p = (v / size) * (g - 1);
    const i = Math.min(g - 2, Math.floor(p));
    return [i, p - i] as const;
  };
  for (let y = 0; y < grid.h; y++) {
    const [iy, fy] = at(y + 0.5, grid.h);
    for (let x = 0; x < grid.w; x++) {
      const [ix, fx] = at(x + 0.5, grid.w);
      const o = (y * grid.w + x) * dim;
      const c00 = (iy * g + ix) * dim,
        c01 = c00 + dim,
        c10 = c00 + g * dim,
        c11 = c10 + dim;
      for (let t = 0; t < dim; t++) {
        out[o + t] = (1 - fy) * ((1 - fx) * coarse[c00 + t] + fx * coarse[c01 + t]) + fy * ((1 - fx) * coarse[c10 + t] + fx * coarse[c11 + t]);
      }
    }
  }
  return out;
}

function drawCount(rng: Rng, weights: number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng.uniform(0, total);
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0) return i + 1;
  }
  return weights.length;
}

export function syntheticImagesB(options: Partial<SyntheticBOptions> = {}): SyntheticImage[] {
  const o = { ...SYNTHETIC_B_DEFAULTS, ...options };
  const pool = hierarchicalPool(o);
  const rng = new Rng(o.seed ^ 0xfab);
  const { h, w } = o.grid;
  const n = h * w;
  const d = o.dim;
  const scale = o.scale ?? Math.sqrt(d);
  // A bilinear mix of iid values has (on average over the patch positions) (2/3)² of their variance; σ so that the
  // field's mean norm is ≈ smooth.
  const smoothSigma = (1.5 * o.smooth) / Math.sqrt(d);
  return Array.from({ length: o.count }, (_, idx) => {
    const c = drawCount(rng, o.countWeights);
    const chosen = rng.permutation(pool.concepts.length).slice(0, c);
    const labels = sceneRegions(rng, o.grid, c, o.minRegion);
    const tilt = unit(rng, d);
    const sharedDir = pool.common.map((v, t) => v + o.sharedJitter * tilt[t]);
    const sharedNorm = Math.hypot(...sharedDir);
    const field = smoothField(rng, o.grid, o.smoothGrid, d, smoothSigma);
    const regions = Array.from({ length: c }, () => ({
      level: rng.uniform(o.noise[0], o.noise[1]) / Math.sqrt(d),
      dir: unit(rng, d),
      angle: rng.uniform(0, 2 * Math.PI),
    }));
    // Position of each patch along its region's gradient, scaled to [-1, 1] over the region.
    const proj = new Float64Array(n);
    const lo = new Array<number>(c).fill(Infinity);
    const hi = new Array<number>(c).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      const r = regions[labels[i]];
      proj[i] = (i % w) * Math.cos(r.angle) + Math.floor(i / w) * Math.sin(r.angle);
      lo[labels[i]] = Math.min(lo[labels[i]], proj[i]);
      hi[labels[i]] = Math.max(hi[labels[i]], proj[i]);
    }
    const tokens = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const l = labels[i];
      const r = regions[l];
      const mu = pool.concepts[chosen[l]];
      const pos = hi[l] > lo[l] ? (2 * (proj[i] - lo[l])) / (hi[l] - lo[l]) - 1 : 0;
      const coef = pool.nuisance.map(() => o.nuisance * rng.normal());
      const norm = scale * Math.exp(o.normJitter * rng.normal());
      for (let t = 0; t < d; t++) {
        let v = mu[t] + o.variant * pos * r.dir[t] + (o.shared * sharedDir[t]) / sharedNorm + field[i * d + t] + r.level * rng.normal();
        for (let k = 0; k < coef.length; k++) v += coef[k] * pool.nuisance[k][t];
        tokens[i * d + t] = norm * v;
      }
    }
    return {
      features: { id: `synthetic-b-${o.seed}-${idx}`, grid: o.grid, dim: d, tokens, imageSize: { width: w * 16, height: h * 16 } },
      labels,
      concepts: c,
    };
  });
}
