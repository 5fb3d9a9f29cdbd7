import { describe, expect, it } from 'vitest';
import { majorityBaseline } from './baseline.js';

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
