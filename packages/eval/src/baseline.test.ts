import { describe, expect, it } from 'vitest';
import { majorityBaseline, regionOracle } from './baseline.js';

describe('majorityBaseline', () => {
  it('predicts the most frequent class everywhere: hand-computed IoUs', () => {
    // 60 px of b, 30 of a, 10 of c, none of d: b's IoU = 60/100, a and c 0, d undefined.
    const r = majorityBaseline([30, 60, 10, 0], ['a', 'b', 'c', 'd']);
    expect(r.note).toMatch(/"b"/);
    expect(r.perClassIoU).toEqual([0, 60, 0, null]);
    expect(r.mIoU).toBeCloseTo(60 / 3, 10);
    expect(r.pixelAccuracy).toBeCloseTo(60, 10);
  });
});

describe('regionOracle', () => {
  it('labels each region with its majority class: hand-computed confusion', () => {
    // Image 1: region 0 = 5 px class 0 + 1 px class 1 → class 0; region 1 = 2 px class 1 + 2 px class 2 → class 1 (tie: lower id).
    // Image 2: region 0 = 3 px class 2 → class 2; region 1 = no labelled pixel.
    const items = [
      { counts: { regionCount: 2, classes: 3, counts: [5, 1, 0, 0, 2, 2] } },
      { counts: { regionCount: 2, classes: 3, counts: [0, 0, 3, 0, 0, 0] } },
    ];
    const r = regionOracle(items, 3);
    // confusion rows gt: [5, 0, 0], [1, 2, 0], [0, 2, 3] → IoU0 = 5/6, IoU1 = 2/5, IoU2 = 3/5.
    expect(r.perClassIoU[0]).toBeCloseTo(500 / 6, 10);
    expect(r.perClassIoU[1]).toBeCloseTo(40, 10);
    expect(r.perClassIoU[2]).toBeCloseTo(60, 10);
    expect(r.pixelAccuracy).toBeCloseTo(1000 / 13, 10);
  });
});
