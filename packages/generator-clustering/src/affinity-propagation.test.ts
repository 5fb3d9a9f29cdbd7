import { describe, expect, it } from 'vitest';
import { affinityPropagation, median } from './affinity-propagation.js';
import { gaussian, lcg } from '../test/helpers.js';
import { adjustedRand, blobs } from '../test/helpers.js';

describe('median', () => {
  it('equals the middle of the sorted values (numpy: mean of the two middle ones for an even count)', () => {
    const g = gaussian(lcg(9));
    for (const n of [1, 2, 3, 10, 101, 400]) {
      const v = Float64Array.from({ length: n }, () => Math.round(g() * 5)); // many ties
      const s = Float64Array.from(v).sort();
      const expected = n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
      expect(median(v) + 0).toBe(expected + 0); // +0 folds -0 (Math.round) into 0
    }
  });
});

describe('affinityPropagation', () => {
  it('finds three blobs and their number by itself', () => {
    const { points, labels } = blobs(
      [
        [0, 0],
        [8, 0],
        [4, 7],
      ],
      [10, 14, 8],
      0.4,
      2,
    );
    const r = affinityPropagation(points);
    expect(r.converged).toBe(true);
    expect(r.exemplars.length).toBe(3);
    expect(adjustedRand(r.labels, labels)).toBe(1);
    // Each exemplar is the member with the largest summed similarity to its cluster (sklearn's refinement).
    r.exemplars.forEach((e, j) => {
      const members = points.filter((_, i) => r.labels[i] === j);
      const score = (c: number[]) => members.reduce((s, p) => s - ((p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2), 0);
      const best = Math.max(...members.map(score));
      expect(score(points[e])).toBeCloseTo(best, 9);
    });
  });

  it('hand-worked: {0, 1} and {10, 11} on a line give two exemplars', () => {
    // Similarities −d²: preference = median of the 16 entries of the full matrix (diagonal 0 included) = −(81+100)/2.
    const r = affinityPropagation([[0], [1], [10], [11]]);
    expect(r.exemplars.length).toBe(2);
    expect(adjustedRand(r.labels, [0, 0, 1, 1])).toBe(1);
  });

  it('a very low preference gives one cluster, a high one a cluster per point', () => {
    const { points } = blobs(
      [
        [0, 0],
        [5, 5],
      ],
      6,
      0.5,
      3,
    );
    expect(affinityPropagation(points, { preference: -1e4 }).exemplars.length).toBe(1);
    expect(affinityPropagation(points, { preference: 0 }).exemplars.length).toBe(points.length);
  });

  it('is deterministic and refuses bad damping', () => {
    const { points } = blobs(
      [
        [0, 0],
        [3, 3],
      ],
      8,
      1,
      4,
    );
    expect(Array.from(affinityPropagation(points, { seed: 1 }).labels)).toEqual(Array.from(affinityPropagation(points, { seed: 1 }).labels));
    expect(() => affinityPropagation(points, { damping: 0.2 })).toThrow(/damping/);
  });
});
