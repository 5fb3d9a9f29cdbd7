import { describe, expect, it } from 'vitest';
import { validateFeatureMap, type FeatureMap } from './features.js';

function map(values: number[], grid = { h: 1, w: 3 }, dim = 2): FeatureMap {
  return { id: 'img', source: '/data/img.png', grid, dim, tokens: Float32Array.from(values), imageSize: { width: 48, height: 16 } };
}

describe('validateFeatureMap', () => {
  it('accepts finite maps, tiny and huge float32 values included (no false alarm from the sum of squares)', () => {
    expect(() => validateFeatureMap(map([1, 2, 3e38, -3e38, 1e-45, 0]))).not.toThrow();
  });

  it('names the patch and the value for NaN and ±Inf, wherever they sit in the patch', () => {
    expect(() => validateFeatureMap(map([1, 2, 3, NaN, 5, 6]))).toThrow(/img\.png: patch 1 has a non-finite feature value \(NaN\)/);
    expect(() => validateFeatureMap(map([Infinity, 2, 3, 4, 5, 6]))).toThrow(/patch 0 has a non-finite feature value \(Infinity\)/);
    expect(() => validateFeatureMap(map([1, 2, 3, 4, 5, -Infinity]))).toThrow(/patch 2 .*\(-Infinity\)/);
  });

  it('refuses an all-zero patch, an empty grid and a token count that does not match', () => {
    expect(() => validateFeatureMap(map([1, 2, 0, 0, 5, 6]))).toThrow(/patch 1 is an all-zero vector/);
    expect(() => validateFeatureMap(map([], { h: 0, w: 3 }))).toThrow(/no patches/);
    expect(() => validateFeatureMap(map([1, 2, 3]))).toThrow(/3 values, expected 3×2 = 6/);
  });
});
