import { describe, expect, it } from 'vitest';
import { imageIou } from './iou.js';

describe('imageIou', () => {
  it('names each predicted class by its largest overlap, then averages the IoU of the classes present (worked by hand)', () => {
    // gt:   1 1 1 2 | pred: 7 7 8 8   7 -> 1 (2 px), 8 -> 2 (1 px vs 1 px with 1: tie goes to the smaller id 1)
    const gt = Uint8Array.from([1, 1, 1, 2, 255]);
    const pred = Uint8Array.from([7, 7, 8, 9, 9]);
    // 7 -> 1; 8 -> 1 (its only pixel is 1); 9 -> 2 (the void pixel does not count).
    // class 1: inter 3, union 3; class 2: inter 1, union 1 -> 1.
    expect(imageIou(pred, gt)).toBe(1);
    const pred2 = Uint8Array.from([7, 7, 7, 7, 9]);
    // 7 -> 1 (3 of 4). class 1: inter 3, union 4; class 2: inter 0, union 1 -> (0.75 + 0) / 2.
    expect(imageIou(pred2, gt)).toBeCloseTo(0.375, 12);
  });

  it('counts a class the prediction names but the ground truth lacks', () => {
    const gt = Uint8Array.from([1, 1, 2, 2]);
    const pred = Uint8Array.from([5, 5, 5, 6]);
    // 5 -> 1 (2 of 3), 6 -> 2. class 1: inter 2, union 3; class 2: inter 1, union 2. (2/3 + 1/2) / 2
    expect(imageIou(pred, gt)).toBeCloseTo((2 / 3 + 1 / 2) / 2, 12);
    expect(imageIou(pred, Uint8Array.from([255, 255, 255, 255]))).toBeUndefined();
  });
});
