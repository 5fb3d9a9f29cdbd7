import type { FeatureMap } from '@acseg/core';
import { gaussian, lcg } from './helpers.js';

/**
 * A feature map on an h×w grid whose patches come from `regions` (a label per
 * patch), each label a random direction in R^d plus noise.
 */
export function plantedMap(labels: number[], h: number, w: number, d: number, noise: number, seed: number, id = 'img'): FeatureMap {
  const g = gaussian(lcg(seed));
  const k = Math.max(...labels) + 1;
  const dirs = Array.from({ length: k }, () => Array.from({ length: d }, g));
  const tokens = new Float32Array(h * w * d);
  labels.forEach((l, i) => {
    const scale = 1 + 0.5 * Math.abs(g());
    for (let t = 0; t < d; t++) tokens[i * d + t] = scale * (dirs[l][t] + noise * g());
  });
  return { id, grid: { h, w }, dim: d, tokens, imageSize: { width: w * 16, height: h * 16 } };
}

/** Quadrant labels on an h×w grid (4 regions), or halves (2). */
export function quadrants(h: number, w: number, parts: 2 | 4): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.push(parts === 2 ? Number(x >= w / 2) : Number(x >= w / 2) + 2 * Number(y >= h / 2));
  return out;
}

export function argmaxRows(S: Float32Array, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < S.length / k; i++) {
    let b = 0;
    for (let j = 1; j < k; j++) if (S[i * k + j] > S[i * k + b]) b = j;
    out.push(b);
  }
  return out;
}
