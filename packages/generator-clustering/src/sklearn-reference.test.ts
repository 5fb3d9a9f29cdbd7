import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { affinityPropagation } from './affinity-propagation.js';
import { kmeans } from './kmeans.js';
import { affinityMatrix, spectralClustering } from './spectral.js';
import { wardClustering } from './ward.js';
import { adjustedRand } from '../test/helpers.js';

/** Made by tools/clustering-reference/make_fixture.py (scikit-learn 1.2.1, SciPy 1.10.1). */
interface Case {
  name: string;
  method: string;
  points: number[][];
  labels: number[] | Record<string, number[]>;
  k?: number;
  heights?: number[];
  exemplars?: number[];
  inertia?: number;
  eigenvalues?: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/sklearn-reference.json', import.meta.url), 'utf8')) as { cases: Case[] };
const byName = (name: string) => fixture.cases.find((c) => c.name === name)!;

describe('agreement with scikit-learn', () => {
  it('Ward: the same clusters for every k and SciPy’s merge heights, on structureless data', () => {
    const c = byName('ward-random');
    for (const [k, labels] of Object.entries(c.labels as Record<string, number[]>)) {
      expect(adjustedRand(wardClustering(c.points, Number(k)).labels, labels)).toBe(1);
    }
    const heights = wardClustering(c.points, 1).merges.map((m) => m.height);
    heights.forEach((h, s) => expect(h).toBeCloseTo(c.heights![s], 9));
  });

  it.each(['ap-blobs', 'ap-random'])('affinity propagation (%s): the same exemplars and labels', (name) => {
    const c = byName(name);
    const r = affinityPropagation(c.points);
    expect(r.converged).toBe(true);
    expect(Array.from(r.exemplars)).toEqual(c.exemplars);
    expect(Array.from(r.labels)).toEqual(c.labels);
  });

  it('k-means: the same partition and inertia', () => {
    const c = byName('kmeans-blobs');
    const r = kmeans(c.points, c.k!, { seed: 0 });
    expect(adjustedRand(r.labels, c.labels as number[])).toBe(1);
    expect(r.inertia).toBeCloseTo(c.inertia!, 6);
  });

  it('spectral on the cosine affinity: the same partition and eigenvalues', () => {
    const c = byName('spectral-cosine');
    const r = spectralClustering(c.points, c.k!, { affinity: 'cosine' });
    expect(adjustedRand(r.labels, c.labels as number[])).toBe(1);
    c.eigenvalues!.forEach((v, j) => expect(r.eigenvalues[j]).toBeCloseTo(v, 9));
    expect(affinityMatrix(c.points).length).toBe(c.points.length ** 2);
  });
});
