import { describe, expect, it } from 'vitest';
import { AcsegError, type FeatureMap } from '@acseg/core';
import { AffinityPropagationGenerator, AgglomerativeGenerator, KMeansGenerator, SpectralGenerator } from './generators.js';
import { LABEL_MARGIN } from './assignment.js';
import { adjustedRand } from '../test/helpers.js';
import { argmaxRows, plantedMap, quadrants } from '../test/features.js';

function cosineToMemberMeans(f: FeatureMap, labels: number[], normalize: boolean): number[][] {
  const d = f.dim,
    n = f.grid.h * f.grid.w;
  const rows = Array.from({ length: n }, (_, i) => {
    const r = Array.from(f.tokens.subarray(i * d, (i + 1) * d));
    const norm = Math.hypot(...r);
    return normalize ? r.map((v) => v / norm) : r;
  });
  const k = Math.max(...labels) + 1;
  const means = Array.from({ length: k }, (_, j) => {
    const m = rows.filter((_, i) => labels[i] === j);
    return Array.from({ length: d }, (_, t) => m.reduce((s, r) => s + r[t], 0) / m.length);
  });
  return rows.map((r) => means.map((c) => r.reduce((s, v, t) => s + v * c[t], 0) / (Math.hypot(...r) * Math.hypot(...c))));
}

describe('KMeansGenerator', () => {
  it('finds four planted regions; S is the cosine to the member means and its argmax the clustering', async () => {
    const truth = quadrants(6, 6, 4);
    const f = plantedMap(truth, 6, 6, 32, 0.3, 5);
    const [a] = await new KMeansGenerator({ k: 4 }).generate([f]);
    expect(a.id).toBe('img');
    expect(a.k).toBe(4);
    expect(a.assignment.length).toBe(36 * 4);
    expect(a.concepts?.length).toBe(4 * 32);
    const labels = argmaxRows(a.assignment, a.k);
    expect(adjustedRand(labels, truth)).toBe(1);
    const expected = cosineToMemberMeans(f, labels, true);
    expected.forEach((row, i) => row.forEach((v, j) => expect(a.assignment[i * a.k + j]).toBeCloseTo(v, 5)));
  });

  it('reads CLI-style options and refuses bad ones', () => {
    const g = KMeansGenerator.fromOptions({ k: '7', seed: '3', nInit: 2, normalize: 'false', unrelated: 'x' });
    expect([g.k, g.seed, g.normalize, g.options.nInit, g.ready, g.name]).toEqual([7, 3, false, 2, true, 'kmeans']);
    expect(() => KMeansGenerator.fromOptions({ k: 0 })).toThrow(/option k must be an integer ≥ 1/);
    expect(() => KMeansGenerator.fromOptions({ k: 2.5 })).toThrow(AcsegError);
    expect(() => KMeansGenerator.fromOptions({ normalize: 'maybe' })).toThrow(/true or false/);
  });

  it('clamps k to the patch count and is deterministic', async () => {
    const f = plantedMap([0, 1, 0, 1], 2, 2, 8, 0.1, 2);
    const g = new KMeansGenerator({ k: 9 });
    const [a] = await g.generate([f]);
    const [b] = await g.generate([f]);
    expect(a.k).toBe(4);
    expect(Array.from(a.assignment)).toEqual(Array.from(b.assignment));
  });

  it('refuses NaN and all-zero features, naming the image', async () => {
    const f = plantedMap(quadrants(2, 2, 2), 2, 2, 4, 0.1, 1);
    f.tokens[5] = NaN;
    await expect(new KMeansGenerator().generate([{ ...f, source: 'a.png' }])).rejects.toThrow(/a\.png: patch 1 has a non-finite/);
    const z = plantedMap(quadrants(2, 2, 2), 2, 2, 4, 0.1, 1);
    z.tokens.fill(0, 0, 4);
    await expect(new KMeansGenerator().generate([z])).rejects.toMatchObject({ code: 'NUMERIC' });
  });
});

describe.each([
  ['spectral', () => new SpectralGenerator({ k: 4 })],
  ['agglomerative', () => new AgglomerativeGenerator({ k: 4 })],
  ['ap', () => new AffinityPropagationGenerator()],
] as const)('%s generator', (name, make) => {
  it('recovers four planted regions; S = cosine to member means except lifted own entries', async () => {
    const truth = quadrants(8, 8, 4);
    const f = plantedMap(truth, 8, 8, 48, 0.25, 12);
    const g = make();
    expect([g.name, g.ready]).toEqual([name, true]);
    const [a] = await g.generate([f]);
    expect(a.k).toBe(4);
    const labels = argmaxRows(a.assignment, a.k);
    expect(adjustedRand(labels, truth)).toBe(1);
    const expected = cosineToMemberMeans(f, labels, true);
    expected.forEach((row, i) =>
      row.forEach((v, j) => {
        const s = a.assignment[i * a.k + j];
        if (j !== labels[i]) expect(s).toBeCloseTo(v, 5);
        // The own cluster's entry is the cosine, or lifted to the best other + LABEL_MARGIN.
        else expect(Math.abs(s - v) < 1e-5 || Math.abs(s - (Math.max(...row.filter((_, c) => c !== j)) + LABEL_MARGIN)) < 1e-5).toBe(true);
      }),
    );
  });
});

describe('AffinityPropagationGenerator', () => {
  it('finds the number of planted regions by itself (2 and 4)', async () => {
    const g = new AffinityPropagationGenerator();
    const [two, four] = await g.generate([plantedMap(quadrants(6, 6, 2), 6, 6, 48, 0.2, 21, 'two'), plantedMap(quadrants(6, 6, 4), 6, 6, 48, 0.2, 22, 'four')]);
    expect([two.id, two.k, four.id, four.k]).toEqual(['two', 2, 'four', 4]);
  });

  it('reads its options', () => {
    const g = AffinityPropagationGenerator.fromOptions({ damping: '0.9', preference: '-3', maxIter: 50 });
    expect(g.options).toEqual({ damping: 0.9, maxIter: 50, convergenceIter: 15, preference: -3 });
    expect(() => AffinityPropagationGenerator.fromOptions({ damping: 1 })).toThrow(/damping must be a number ≥ 0.5 ≤ 0.999/);
    expect(() => SpectralGenerator.fromOptions({ affinity: 'euclid' })).toThrow(/one of cosine, rbf, knn/);
  });
});

describe('soft assignment', () => {
  it('lifts a patch whose cosine argmax disagrees with its label', async () => {
    // k-means on raw (unnormalized) 1-D-like features: x = 1 joins the cluster at 0.1..1, yet all are positive
    // multiples of one direction, so every cosine is 1 and ties must be broken toward the own cluster.
    const tokens = Float32Array.from([0.1, 0.01, 0.2, 0.02, 1, 0.1, 10, 1, 11, 1.1]);
    const f: FeatureMap = { id: 'x', grid: { h: 1, w: 5 }, dim: 2, tokens, imageSize: { width: 80, height: 16 } };
    const [a] = await new KMeansGenerator({ k: 2, normalize: false }).generate([f]);
    expect(argmaxRows(a.assignment, 2)).toEqual([0, 0, 0, 1, 1]);
    expect(a.assignment[1]).toBeCloseTo(1, 5);
    expect(a.assignment[0]).toBeCloseTo(1 + LABEL_MARGIN, 5);
  });
});
