import { describe, expect, it } from 'vitest';
import { affinityMatrix, spectralClustering } from './spectral.js';
import { kmeans } from './kmeans.js';
import { adjustedRand, gaussian, lcg } from '../test/helpers.js';

/** Two concentric rings in 2-D: k-means cannot separate them, spectral clustering on a kNN graph can. */
function rings(per: number, seed: number): { points: number[][]; labels: number[] } {
  const g = gaussian(lcg(seed));
  const points: number[][] = [];
  const labels: number[] = [];
  [1, 4].forEach((radius, j) => {
    for (let i = 0; i < per; i++) {
      const a = (2 * Math.PI * i) / per;
      points.push([radius * Math.cos(a) + 0.05 * g(), radius * Math.sin(a) + 0.05 * g()]);
      labels.push(j);
    }
  });
  return { points, labels };
}

describe('affinityMatrix', () => {
  it('cosine: max(0, cos) with a unit diagonal, worked by hand', () => {
    const A = affinityMatrix([
      [1, 0],
      [1, 1],
      [-1, 0],
    ]);
    const c = Math.SQRT1_2;
    expect(Array.from(A).map((v) => +v.toFixed(12))).toEqual([1, +c.toFixed(12), 0, +c.toFixed(12), 1, 0, 0, 0, 1]);
  });

  it('rbf: exp(−γ‖x − y‖²); knn: ½(C + Cᵀ) of the neighbour graph with self', () => {
    const pts = [[0], [1], [3]];
    const A = affinityMatrix(pts, { affinity: 'rbf', gamma: 0.5 });
    expect(A[1]).toBeCloseTo(Math.exp(-0.5), 12);
    expect(A[2]).toBeCloseTo(Math.exp(-4.5), 12);
    // 2 neighbours incl. self: 0→{0,1}, 1→{1,0}, 2→{2,1}
    const K = affinityMatrix(pts, { affinity: 'knn', nNeighbors: 2 });
    expect(Array.from(K)).toEqual([1, 1, 0, 1, 1, 0.5, 0, 0.5, 1]);
  });
});

describe('spectralClustering', () => {
  it('separates two well-separated blobs (disconnected cosine graph: eigenvalue 1 twice)', () => {
    const g = gaussian(lcg(3));
    // Blob a lives in coordinates 0–1, blob b in 2–3: exactly orthogonal, so the affinity graph has two components.
    const points = [
      ...Array.from({ length: 15 }, () => [1 + 0.1 * g(), 0.2 + 0.1 * g(), 0, 0]),
      ...Array.from({ length: 25 }, () => [0, 0, 1 + 0.1 * g(), 0.2 + 0.1 * g()]),
    ];
    const truth = [...Array(15).fill(0), ...Array(25).fill(1)];
    const r = spectralClustering(points, 2);
    expect(r.eigenvalues[0]).toBeCloseTo(1, 10);
    expect(r.eigenvalues[1]).toBeCloseTo(1, 10);
    expect(adjustedRand(r.labels, truth)).toBe(1);
  });

  it('separates concentric rings with the kNN affinity, where k-means fails', () => {
    const { points, labels } = rings(60, 5);
    const r = spectralClustering(points, 2, { affinity: 'knn', nNeighbors: 8 });
    expect(adjustedRand(r.labels, labels)).toBe(1);
    expect(adjustedRand(kmeans(points, 2).labels, labels)).toBeLessThan(0.5);
    // The embedding rows are unit length.
    for (let i = 0; i < points.length; i++) expect(Math.hypot(r.embedding[2 * i], r.embedding[2 * i + 1])).toBeCloseTo(1, 12);
  });

  it('recovers planted directions in 64-D with the default cosine affinity', () => {
    const g = gaussian(lcg(8));
    const dirs = Array.from({ length: 3 }, () => Array.from({ length: 64 }, g));
    const truth = Array.from({ length: 60 }, (_, i) => i % 3);
    const points = truth.map((l) => dirs[l].map((v) => v + 0.3 * g()));
    expect(adjustedRand(spectralClustering(points, 3, { seed: 2 }).labels, truth)).toBe(1);
  });
});
