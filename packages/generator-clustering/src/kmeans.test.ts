import { describe, expect, it } from 'vitest';
import { kmeans as mlKMeans } from 'ml-kmeans';
import { kmeans, kmeansPlusPlus } from './kmeans.js';
import { adjustedRand, blobs, bruteForceKMeans, gaussian, lcg, withinSS } from '../test/helpers.js';

describe('kmeans', () => {
  it('recovers three well-separated blobs exactly', () => {
    const { points, labels } = blobs(
      [
        [0, 0],
        [10, 0],
        [0, 10],
      ],
      [12, 7, 20],
      0.5,
      1,
    );
    const r = kmeans(points, 3, { seed: 3 });
    expect(adjustedRand(r.labels, labels)).toBe(1);
    expect(r.inertia).toBeCloseTo(withinSS(points, labels), 9);
  });

  it('agrees with ml-kmeans (an independent implementation) on clustered data', () => {
    const g = gaussian(lcg(21));
    const centres = Array.from({ length: 4 }, () => Array.from({ length: 12 }, () => 4 * g()));
    const { points } = blobs(centres, [9, 15, 11, 20], 1, 22);
    const theirs = mlKMeans(points, 4, { seed: 5, maxIterations: 300 });
    const ours = kmeans(points, 4, { seed: 5 });
    expect(adjustedRand(ours.labels, theirs.clusters)).toBe(1);
    expect(ours.inertia).toBeCloseTo(withinSS(points, theirs.clusters), 8);
  });

  it('hand-worked case: {0, 1, 2} and {10, 11} on a line', () => {
    const r = kmeans([[0], [1], [2], [10], [11]], 2, { seed: 0 });
    const a = r.labels[0];
    expect(Array.from(r.labels)).toEqual([a, a, a, 1 - a, 1 - a]);
    const c = Array.from(r.centroids).sort((x, y) => x - y);
    expect(c).toEqual([1, 10.5]);
    // (0-1)² + 0 + (2-1)² + 0.5² + 0.5²
    expect(r.inertia).toBeCloseTo(2.5, 12);
  });

  it('reaches the brute-force optimum of the objective on tiny sets (nInit = 50; default nInit within 10 %)', () => {
    for (let s = 0; s < 6; s++) {
      const g = gaussian(lcg(100 + s));
      const points = Array.from({ length: 8 }, () => [g(), g(), g()]);
      for (const k of [2, 3]) {
        const opt = bruteForceKMeans(points, k);
        // Lloyd finds local optima; more k-means++ starts find the global one here.
        for (const method of ['lloyd', 'gram'] as const) {
          const best = kmeans(points, k, { seed: s, nInit: 50, method });
          expect(best.inertia).toBeLessThanOrEqual(opt * (1 + 1e-9) + 1e-12);
        }
        const r = kmeans(points, k, { seed: s, nInit: 50 });
        expect(kmeans(points, k, { seed: s }).inertia).toBeLessThanOrEqual(opt * 1.1);
        expect(r.inertia).toBeCloseTo(withinSS(points, r.labels), 9);
      }
    }
  });

  it.each(['lloyd', 'gram'] as const)('ends at a Lloyd fixed point (%s): centroids are member means, labels the nearest centroid', (method) => {
    const g = gaussian(lcg(7));
    const d = 16;
    const points = Array.from({ length: 60 }, () => Array.from({ length: d }, g));
    const k = 4;
    const r = kmeans(points, k, { seed: 1, method });
    for (let j = 0; j < k; j++) {
      const members = points.filter((_, i) => r.labels[i] === j);
      expect(members.length).toBeGreaterThan(0);
      for (let t = 0; t < d; t++) {
        const mean = members.reduce((s, p) => s + p[t], 0) / members.length;
        expect(r.centroids[j * d + t]).toBeCloseTo(mean, 9);
      }
    }
    points.forEach((p, i) => {
      const dists = Array.from({ length: k }, (_, j) => p.reduce((s, v, t) => s + (v - r.centroids[j * d + t]) ** 2, 0));
      expect(dists[r.labels[i]]).toBeCloseTo(Math.min(...dists), 9);
    });
  });

  it('is deterministic given the seed, and more inits never give a worse objective than one of them', () => {
    const g = gaussian(lcg(11));
    const points = Array.from({ length: 80 }, () => Array.from({ length: 8 }, g));
    const a = kmeans(points, 5, { seed: 4 });
    const b = kmeans(points, 5, { seed: 4 });
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    const one = kmeans(points, 5, { seed: 4, nInit: 1 });
    expect(a.inertia).toBeLessThanOrEqual(one.inertia);
  });

  it('computes the same clustering from explicit centres and from the Gram matrix', () => {
    for (const [n, d, k] of [
      [40, 3, 3],
      [60, 50, 5],
      [30, 8, 30],
    ]) {
      const g = gaussian(lcg(n + d));
      const points = Array.from({ length: n }, () => Array.from({ length: d }, g));
      const a = kmeans(points, k, { seed: 2, method: 'lloyd' });
      const b = kmeans(points, k, { seed: 2, method: 'gram' });
      expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
      expect(b.inertia).toBeCloseTo(a.inertia, 9);
      expect(b.iterations).toBe(a.iterations);
      b.centroids.forEach((v, t) => expect(v).toBeCloseTo(a.centroids[t], 9));
    }
  });

  it('k-means++ picks distinct far-apart points first on a line', () => {
    // Two of three tight groups at least: the second centre is drawn ∝ D², so it is never in the first centre's group.
    const pts = [[0], [0.01], [100], [100.01], [200], [200.01]];
    for (let s = 0; s < 5; s++) {
      const [a, b, c] = Array.from(kmeansPlusPlus(pts, 3, s)).map((i) => Math.round(pts[i][0] / 100));
      expect(new Set([a, b, c]).size).toBe(3);
    }
  });

  it('handles duplicate points and k = n', () => {
    const r = kmeans(
      [
        [1, 1],
        [1, 1],
        [5, 5],
      ],
      3,
      { seed: 0 },
    );
    expect(r.inertia).toBeCloseTo(0, 12);
    const same = kmeans([[2], [2], [2], [2]], 2, { seed: 0 });
    expect(same.inertia).toBe(0);
  });

  it('distinct: stops at the number of distinct points, with fewer clusters, k above the points allowed', () => {
    // Six points, three distinct: (1, 0) ×2, (0, 1) ×2... and (5, 5) once; k = 5, then k = 8 > 6 points.
    const data = Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 5, 5]);
    for (const k of [5, 8]) {
      const r = kmeans({ rows: 6, cols: 2, data }, k, { seed: 2, distinct: true });
      expect(r.k).toBe(3);
      expect(r.centroids.length).toBe(3 * 2);
      const centres = Array.from({ length: 3 }, (_, c) => `${r.centroids[2 * c]},${r.centroids[2 * c + 1]}`).sort();
      expect(centres).toEqual(['0,1', '1,0', '5,5']);
      expect(r.inertia).toBe(0);
    }
    // Without the option a duplicate-rich set still gets k clusters (scikit-learn's behaviour).
    expect(kmeans({ rows: 6, cols: 2, data }, 5, { seed: 2 }).k).toBe(5);
  });

  it('reads float32 points without copying them and gives the float64 result of the same values', () => {
    const { points } = blobs(
      [
        [0, 0, 0],
        [6, 0, 1],
        [0, 6, 2],
      ],
      [10, 14, 9],
      0.7,
      4,
    );
    const f32 = Float32Array.from(points.flat());
    const f64 = Float64Array.from(f32);
    const a = kmeans({ rows: points.length, cols: 3, data: f32 }, 3, { seed: 1 });
    const b = kmeans({ rows: points.length, cols: 3, data: f64 }, 3, { seed: 1 });
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    expect(a.inertia).toBe(b.inertia);
  });

  it('refuses a bad k', () => {
    expect(() => kmeans([[0], [1]], 3)).toThrow(/exceeds the number of points/);
    expect(() => kmeans([[0], [1]], 0)).toThrow(/positive integer/);
    expect(() => kmeans([[0], [NaN]], 1)).toThrow(/not finite/);
  });
});
