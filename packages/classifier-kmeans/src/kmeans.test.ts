import { kmeans as mlKmeans } from 'ml-kmeans';
import { describe, expect, it } from 'vitest';
import { kmeans, kmeansPlusPlus, lloyd } from './kmeans.js';
import { seededRandom } from './rng.js';

function blobs(n: number, dim: number, centres: number, spread: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const c = Array.from({ length: centres }, () => Array.from({ length: dim }, () => 4 * (rand() - 0.5)));
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) out[i * dim + j] = c[i % centres][j] + spread * (rand() - 0.5);
  return out;
}

function rows(data: Float32Array, n: number, dim: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * dim, (i + 1) * dim)));
}

/** Least inertia over every assignment of n points to k labels (brute force). */
function optimalInertia(points: number[][], k: number): number {
  const n = points.length;
  let best = Infinity;
  const labels = new Array<number>(n).fill(0);
  const total = k ** n;
  for (let code = 0; code < total; code++) {
    let c = code;
    for (let i = 0; i < n; i++) { labels[i] = c % k; c = Math.floor(c / k); }
    let e = 0;
    for (let g = 0; g < k; g++) {
      const members = points.filter((_, i) => labels[i] === g);
      if (!members.length) continue;
      const mean = members[0].map((_, j) => members.reduce((a, p) => a + p[j], 0) / members.length);
      e += members.reduce((a, p) => a + p.reduce((s, v, j) => s + (v - mean[j]) ** 2, 0), 0);
    }
    best = Math.min(best, e);
  }
  return best;
}

describe('lloyd', () => {
  it('matches ml-kmeans started from the same centres', () => {
    const n = 240;
    const dim = 8;
    const data = blobs(n, dim, 5, 2.5, 3);
    const init = kmeansPlusPlus(data, n, dim, 5, seededRandom(11));
    const ours = lloyd(data, n, dim, init, 300, 0);
    const ref = mlKmeans(rows(data, n, dim), 5, { initialization: init.map((c) => Array.from(c)), tolerance: 0, maxIterations: 300 });
    expect(ours.converged).toBe(true);
    expect(Array.from(ours.assignments)).toEqual(ref.clusters);
    ref.centroids.forEach((c, i) => c.forEach((v, j) => expect(ours.centroids[i * dim + j]).toBeCloseTo(v, 5)));
    // Inertia recomputed from scratch.
    let inertia = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) inertia += (data[i * dim + j] - ref.centroids[ref.clusters[i]][j]) ** 2;
    expect(ours.inertia).toBeCloseTo(inertia, 3);
  });

  it('relocates an empty cluster to the farthest point', () => {
    const data = Float32Array.from([0, 0.1, 0.2, 10, 10.1, 10.2]);
    const result = lloyd(data, 6, 1, [[0.1], [10.1], [100]].map((c) => Float64Array.from(c)), 300, 0);
    const sizes = [0, 1, 2].map((c) => result.assignments.filter((a) => a === c).length);
    expect(sizes.every((s) => s > 0)).toBe(true);
    expect(Array.from(result.assignments)).toEqual([0, 0, 2, 1, 1, 1]);
    expect(result.inertia).toBeCloseTo(0.005 + 0.02, 6);
  });
});

describe('kmeansPlusPlus', () => {
  it('picks k distinct data points, one per well-separated blob', () => {
    const n = 90;
    const data = blobs(n, 4, 3, 0.01, 5);
    const centres = kmeansPlusPlus(data, n, 4, 3, seededRandom(1));
    expect(centres).toHaveLength(3);
    const blobOf = centres.map((c) => {
      const i = rows(data, n, 4).findIndex((r) => r.every((v, j) => Math.fround(v) === Math.fround(c[j])));
      expect(i).toBeGreaterThanOrEqual(0);
      return i % 3;
    });
    expect(new Set(blobOf).size).toBe(3);
  });

  it('stops at the number of distinct points', () => {
    const data = Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 5, 5]);
    const centres = kmeansPlusPlus(data, 6, 2, 5, seededRandom(2));
    expect(centres.map((c) => Array.from(c).join(',')).sort()).toEqual(['0,1', '1,0', '5,5']);
  });
});

describe('kmeans', () => {
  it('reaches the brute-force optimum on small sets with restarts', () => {
    for (const seed of [1, 2, 3]) {
      const data = blobs(8, 2, 3, 3, seed);
      const result = kmeans(data, 8, 2, { k: 3, seed, nInit: 10 });
      expect(result.inertia).toBeCloseTo(optimalInertia(rows(data, 8, 2), 3), 5);
    }
  });

  it('is deterministic for a seed', () => {
    const data = blobs(300, 6, 8, 3, 9);
    const a = kmeans(data, 300, 6, { k: 8, seed: 4 });
    const b = kmeans(data, 300, 6, { k: 8, seed: 4 });
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    const c = kmeans(data, 300, 6, { k: 8, seed: 5 });
    expect(Array.from(c.centroids)).not.toEqual(Array.from(a.centroids));
  });

  it('refuses bad input', () => {
    expect(() => kmeans(new Float32Array(0), 0, 2, { k: 2 })).toThrow(/no points/);
    expect(() => kmeans(new Float32Array(4), 2, 2, { k: 0 })).toThrow(/K must be an integer/);
    expect(() => kmeans(new Float32Array(3), 2, 2, { k: 1 })).toThrow(/3 values, expected 2×2/);
  });
});
