import { describe, expect, it } from 'vitest';
import type { PreparedItem } from './prepared.js';
import { perImageMIoU, pickSamples } from './samples.js';

function item(id: string, counts: number[][]): PreparedItem {
  return { id, counts: { regionCount: counts.length, classes: counts[0].length, counts: Uint32Array.from(counts.flat()) } };
}

describe('perImageMIoU', () => {
  it('scores each image alone under the matching (hand-computed)', () => {
    // Image x: region 0 = 6 px of class 0 + 2 of class 1 (id 1 → class 0); region 1 = 4 px of class 1 (id 0 → class 1).
    // confusion rows gt: [6, 0], [2, 4] → IoU0 = 6 / 8, IoU1 = 4 / 6.
    const x = item('x', [
      [6, 2],
      [0, 4],
    ]);
    // Image y: region 0 = 5 px of class 1 with id 2, which the matching left out (-1): missed → IoU1 = 0, class 0 absent.
    const y = item('y', [[0, 5]]);
    const scores = perImageMIoU([x, y], [Uint8Array.from([1, 0]), Uint8Array.from([2])], [1, 0, -1], 2);
    expect(scores[0]).toBeCloseTo((100 * (6 / 8 + 4 / 6)) / 2, 10);
    expect(scores[1]).toBe(0);
  });

  it('counts an unlabelled region (255) as missed', () => {
    const scores = perImageMIoU(
      [
        item('z', [
          [3, 0],
          [0, 1],
        ]),
      ],
      [Uint8Array.from([0, 255])],
      [0, 1],
      2,
    );
    // gt0: 3 px right; gt1: 1 px missed → IoU0 = 100, IoU1 = 0.
    expect(scores[0]).toBeCloseTo(50, 10);
  });
});

describe('pickSamples', () => {
  it('spreads half over the split and adds the worst and best of the rest', () => {
    const scores = [50, 10, 90, 40, 5, 60, 95, 30, 20, 70, 80, 1];
    const picks = pickSamples(scores, 8);
    // Spread: 4 at floor((i + .5) * 12 / 4) = 1, 4, 7, 10.
    expect(picks.filter((p) => p.pick === 'spread').map((p) => p.index)).toEqual([1, 4, 7, 10]);
    // Worst not yet chosen: 11 (1), then 4 is taken (5), 1 is taken (10) → 8 (20). Best: 6 (95), 2 (90).
    expect(picks.filter((p) => p.pick === 'worst').map((p) => p.index)).toEqual([11, 8]);
    expect(picks.filter((p) => p.pick === 'best').map((p) => p.index)).toEqual([6, 2]);
  });

  it('takes every image, in order, when there are no more than asked', () => {
    expect(pickSamples([3, 1, 2], 8)).toEqual([0, 1, 2].map((index) => ({ index, pick: 'spread' })));
  });
});
