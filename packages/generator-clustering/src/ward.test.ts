import { describe, expect, it } from 'vitest';
import { agnes, type Cluster } from 'ml-hclust';
import { wardClustering } from './ward.js';
import { adjustedRand, gaussian, lcg } from '../test/helpers.js';

/** Labels of the k-cluster cut of an ml-hclust tree (undo the k − 1 highest merges). */
function cut(tree: Cluster, k: number, n: number): number[] {
  const labels = new Array<number>(n);
  tree.group(k).children.forEach((c, j) => c.indices().forEach((i) => (labels[i] = j)));
  return labels;
}

describe('wardClustering', () => {
  it('hand-worked merges of {0, 1, 5, 7, 20}', () => {
    const { merges, labels } = wardClustering([[0], [1], [5], [7], [20]], 1);
    // Ward distance sqrt(2 n_a n_b / (n_a + n_b)) · |c_a − c_b|
    const expected = [
      { a: 0, b: 1, height: 1, size: 2 },
      { a: 2, b: 3, height: 2, size: 2 },
      { a: 5, b: 6, height: Math.SQRT2 * 5.5, size: 4 }, // {0,1} (c 0.5) with {5,7} (c 6)
      { a: 4, b: 7, height: Math.sqrt(8 / 5) * 16.75, size: 5 }, // {0,1,5,7} (c 3.25) with 20
    ];
    merges.forEach((m, s) => {
      expect([m.a, m.b, m.size]).toEqual([expected[s].a, expected[s].b, expected[s].size]);
      expect(m.height).toBeCloseTo(expected[s].height, 12);
    });
    expect(Array.from(labels)).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(wardClustering([[0], [1], [5], [7], [20]], 3).labels)).toEqual([0, 0, 1, 1, 2]);
  });

  it('gives the same clusters and heights as ml-hclust (agnes, ward2) on random data', () => {
    for (let s = 0; s < 3; s++) {
      const g = gaussian(lcg(40 + s));
      const points = Array.from({ length: 50 }, () => Array.from({ length: 6 }, g));
      const tree = agnes(points, { method: 'ward2' });
      for (const k of [2, 5, 9]) expect(adjustedRand(wardClustering(points, k).labels, cut(tree, k, points.length))).toBe(1);
      const heights: number[] = [];
      tree.traverse((c) => {
        if (!c.isLeaf) heights.push(c.height);
      });
      const ours = wardClustering(points, 1).merges.map((m) => m.height);
      expect(ours.sort((a, b) => a - b).map((h) => h.toFixed(9))).toEqual(heights.sort((a, b) => a - b).map((h) => h.toFixed(9)));
    }
  });

  it('refuses a bad k', () => {
    expect(() => wardClustering([[0], [1]], 3)).toThrow(/exceeds/);
  });
});
