import { describe, expect, it } from 'vitest';
import { assignmentToRegions } from '@acseg/core';
import { mergeNearDuplicateConcepts } from './merge.js';

// Three concepts in R^3: c0 and c1 at cosine 0.99 (hand-made), c2 orthogonal to both.
const a = Math.acos(0.99);
const concepts = Float32Array.of(1, 0, 0, Math.cos(a), Math.sin(a), 0, 0, 0, 2);
// Four pixels (n × k rows): p0 prefers c0, p1 prefers c1 (by noise), p2 and p3 prefer c2.
const S = Float32Array.of(0.8, 0.7, 0.1, 0.6, 0.65, 0.0, 0.1, 0.2, 0.9, 0.0, 0.1, 0.7);

describe('mergeNearDuplicateConcepts', () => {
  it('merges concepts at cosine ≥ threshold: the first takes the group max, the other gets −2', () => {
    const m = mergeNearDuplicateConcepts(S, concepts, 4, 3, 3, 0.95);
    expect(Array.from(m)).toEqual(Array.from(Float32Array.of(0.8, -2, 0.1, 0.65, -2, 0.0, 0.2, -2, 0.9, 0.1, -2, 0.7)));
    expect(Array.from(S.subarray(0, 3))).toEqual(Array.from(Float32Array.of(0.8, 0.7, 0.1))); // input untouched
  });

  it('leaves everything as is below the threshold (0.99 < 0.995)', () => {
    expect(Array.from(mergeNearDuplicateConcepts(S, concepts, 4, 3, 3, 0.995))).toEqual(Array.from(S));
  });

  it('turns two regions of one planted concept into one region after upsampling and argmax', () => {
    // A 2×2 grid: p0, p1 (top row) split between the duplicates, p2, p3 (bottom row) on c2.
    const before = assignmentToRegions({ assignment: S, k: 3, grid: { h: 2, w: 2 }, width: 8, height: 8 });
    const after = assignmentToRegions({ assignment: mergeNearDuplicateConcepts(S, concepts, 4, 3, 3, 0.95), k: 3, grid: { h: 2, w: 2 }, width: 8, height: 8 });
    expect(before.count).toBe(3);
    expect(after.count).toBe(2);
  });

  it('merges transitively (c0 ~ c1, c1 ~ c2, c0 !~ c2) into the lowest index', () => {
    const b = Math.acos(0.96);
    const chain = Float32Array.of(1, 0, Math.cos(b), Math.sin(b), Math.cos(2 * b), Math.sin(2 * b)); // cos(c0, c2) ≈ 0.84
    const s = Float32Array.of(0.1, 0.5, 0.3, 0.2, 0.1, 0.9);
    expect(Array.from(mergeNearDuplicateConcepts(s, chain, 2, 3, 2, 0.95))).toEqual(Array.from(Float32Array.of(0.5, -2, -2, 0.9, -2, -2)));
  });

  it('never merges an all-zero concept (its cosine is undefined)', () => {
    const z = Float32Array.of(1, 0, 0, 0, 1, 0); // c1 = 0; c0 = c2
    const s = Float32Array.of(0.3, 0.2, 0.1, 0.1, 0.4, 0.5);
    expect(Array.from(mergeNearDuplicateConcepts(s, z, 2, 3, 2, -1))).toEqual(Array.from(Float32Array.of(0.3, 0.2, -2, 0.5, 0.4, -2)));
  });
});

describe('option mergeThreshold in generate()', () => {
  it('off by default (the paper), applied per image when set, rejected outside [-1, 1]', async () => {
    const { AcgGenerator } = await import('./generator.js');
    const { tinyFeatures } = await import('../testing/tiny.js');
    const { parseAcgOptions } = await import('../options.js');
    const tiny = { k: 3, steps: 2, heads: 2, seed: 5, runtime: 'tfjs' as const };
    const feats = tinyFeatures(2);
    const plain = new AcgGenerator(tiny);
    await plain.initialize(8);
    const merged = new AcgGenerator({ ...tiny, mergeThreshold: -1 });
    await merged.initialize(8);
    const [a, b] = [await plain.generate(feats), await merged.generate(feats)];
    a.forEach((o, i) => {
      if (!o.concepts) throw new Error('generate() returned no concepts');
      // Same weights (same seed): the merged S is the independent merge of the plain S with the plain concepts.
      expect(Array.from(b[i].assignment)).toEqual(Array.from(mergeNearDuplicateConcepts(o.assignment, o.concepts, o.assignment.length / 3, 3, 8, -1)));
      expect(Array.from(o.assignment).some((v) => v === -2)).toBe(false);
      // Threshold −1 merges every pair: concepts 1 and 2 get −2 on every pixel.
      for (let p = 0; p < o.assignment.length / 3; p++) expect([b[i].assignment[p * 3 + 1], b[i].assignment[p * 3 + 2]]).toEqual([-2, -2]);
    });
    expect(parseAcgOptions({}).mergeThreshold).toBeUndefined();
    expect(() => parseAcgOptions({ mergeThreshold: 1.5 })).toThrow(/mergeThreshold must be a cosine/);
  });
});
