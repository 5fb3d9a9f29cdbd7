import { describe, expect, it } from 'vitest';
import { compactLabels, gram, squaredDistances, toPoints } from './points.js';
import { gaussian, lcg } from '../test/helpers.js';

describe('points', () => {
  it('Gram matrix and squared distances equal the direct sums (odd and even row counts)', () => {
    for (const n of [1, 2, 3, 5, 6, 7, 9, 10]) {
      const g = gaussian(lcg(n));
      const pts = Array.from({ length: n }, () => Array.from({ length: 5 }, g));
      const G = gram(toPoints(pts));
      const D = squaredDistances(toPoints(pts));
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          expect(G[i * n + j]).toBeCloseTo(
            pts[i].reduce((s, v, t) => s + v * pts[j][t], 0),
            12,
          );
          expect(D[i * n + j]).toBeCloseTo(
            pts[i].reduce((s, v, t) => s + (v - pts[j][t]) ** 2, 0),
            10,
          );
        }
      }
    }
  });

  it('renumbers labels by first appearance and refuses ragged input', () => {
    const l = Int32Array.from([7, 7, 2, 9, 2]);
    expect(compactLabels(l)).toBe(3);
    expect(Array.from(l)).toEqual([0, 0, 1, 2, 1]);
    expect(() => toPoints([[1, 2], [3]])).toThrow(/point 1 has 1 values/);
  });
});
