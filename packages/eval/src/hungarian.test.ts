import { describe, expect, it } from 'vitest';
import { ConfusionMatrix } from './confusion.js';
import { applyAssignment, hungarianMatch, matchConfusion } from './hungarian.js';
import { mulberry32 } from '@acseg/random';

/** Deterministic PRNG (@acseg/random's mulberry32, the seed as its state) so results reproduce. */
const rng = (seed: number): (() => number) => mulberry32(seed);

function pairScore(counts: number[][], mode: 'pixels' | 'iou'): (c: number, q: number) => number {
  if (mode === 'pixels') return (c, q) => counts[c][q];
  return (c, q) => {
    const g = counts[c].reduce((a, b) => a + b, 0);
    const p = counts.reduce((a, r) => a + r[q], 0);
    const u = g + p - counts[c][q];
    return u > 0 ? counts[c][q] / u : 0;
  };
}

/** Best total over every one-to-one pairing of min(C, P) classes and ids (brute force). */
function bruteBest(counts: number[][], mode: 'pixels' | 'iou'): number {
  const C = counts.length;
  const P = counts[0].length;
  const s = pairScore(counts, mode);
  let best = -Infinity;
  const used = new Array<boolean>(P).fill(false);
  const rec = (c: number, acc: number, matched: number): void => {
    if (c === C) {
      if (matched === Math.min(C, P)) best = Math.max(best, acc);
      return;
    }
    // class c either takes a free id or (only when ids run short) none.
    for (let q = 0; q < P; q++) {
      if (used[q]) continue;
      used[q] = true;
      rec(c + 1, acc + s(c, q), matched + 1);
      used[q] = false;
    }
    if (C - c - 1 >= Math.min(C, P) - matched) rec(c + 1, acc, matched);
  };
  rec(0, 0, 0);
  return best;
}

function achieved(counts: number[][], assignment: number[], mode: 'pixels' | 'iou'): number {
  const s = pairScore(counts, mode);
  let total = 0;
  const seen = new Set<number>();
  assignment.forEach((c, q) => {
    if (c < 0) return;
    expect(seen.has(c)).toBe(false);
    seen.add(c);
    total += s(c, q);
  });
  expect(seen.size).toBe(Math.min(counts.length, counts[0].length));
  return total;
}

describe('hungarianMatch', () => {
  it('agrees with brute force on random square and rectangular matrices', () => {
    const r = rng(7);
    for (let trial = 0; trial < 300; trial++) {
      const C = 1 + Math.floor(r() * 5);
      const P = 1 + Math.floor(r() * 6);
      const counts = Array.from({ length: C }, () => Array.from({ length: P }, () => (r() < 0.3 ? 0 : Math.floor(r() * 100))));
      for (const mode of ['pixels', 'iou'] as const) {
        const a = hungarianMatch(counts, mode);
        expect(a).toHaveLength(P);
        expect(achieved(counts, a, mode)).toBeCloseTo(bruteBest(counts, mode), 9);
      }
    }
  });

  it('recovers a permutation exactly and leaves extra ids unmatched', () => {
    const cm = new ConfusionMatrix(3);
    // ids 2, 0, 1 stand for classes 0, 1, 2; id 3 is a stray cluster.
    cm.add(Uint8Array.from([0, 0, 1, 1, 2, 2, 2]), Uint8Array.from([2, 2, 0, 0, 1, 1, 3]));
    const a = matchConfusion(cm, 'pixels');
    expect(a).toEqual([1, 2, 0, -1]);
    const { confusion, missed } = applyAssignment(cm, a);
    expect(confusion).toEqual([
      [2, 0, 0],
      [0, 2, 0],
      [0, 0, 2],
    ]);
    expect(missed).toEqual([0, 0, 1]);
  });
});
