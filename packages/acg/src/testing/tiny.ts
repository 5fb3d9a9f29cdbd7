import type { FeatureMap } from '@acseg/core';
import { makeConfig, type AcgConfig } from '../model/config.js';
import { Rng } from '../model/rng.js';

/** A tiny architecture for fast tests: d = 8, 2 heads, k = 3, 2 steps, FFN 16. */
export function tinyConfig(partial: Partial<AcgConfig> = {}): AcgConfig {
  return makeConfig(8, { k: 3, steps: 2, heads: 2, ffnDim: 16, ...partial });
}

/** Random clustered features: `count` images of a 3×3 grid, d = 8. */
export function tinyFeatures(count: number, seed = 1, d = 8, grid = { h: 3, w: 3 }): FeatureMap[] {
  const rng = new Rng(seed);
  const n = grid.h * grid.w;
  return Array.from({ length: count }, (_, b) => {
    const centres = Array.from({ length: 3 }, () => Array.from({ length: d }, () => rng.normal()));
    const tokens = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const c = centres[i % 3];
      for (let t = 0; t < d; t++) tokens[i * d + t] = c[t] + 0.3 * rng.normal();
    }
    return { id: `img${b}`, grid, dim: d, tokens, imageSize: { width: 48, height: 48 } };
  });
}

/** Largest absolute element-wise difference (test helper). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
