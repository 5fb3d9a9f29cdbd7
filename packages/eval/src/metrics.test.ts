import { describe, expect, it } from 'vitest';
import { ConfusionMatrix } from './confusion.js';
import { applyAssignment, identityMatch } from './hungarian.js';
import { meanStd, scoreConfusion } from './metrics.js';

describe('scoreConfusion', () => {
  // Hand-worked: class 0: tp 5, |gt| 6, |pred| 7 → 5/8; class 1: tp 3,
  // |gt| 2+3+1+1 missed = 7, |pred| 4 → 3/8; class 2: tp 4, |gt| 4, |pred| 5 → 4/5.
  const rows = [
    [5, 1, 0],
    [2, 3, 1],
    [0, 0, 4],
  ];
  it('computes per-class IoU, mIoU and pixel accuracy', () => {
    const s = scoreConfusion(rows, [0, 1, 0]);
    expect(s.perClassIoU[0]).toBeCloseTo(62.5, 10);
    expect(s.perClassIoU[1]).toBeCloseTo(37.5, 10);
    expect(s.perClassIoU[2]).toBeCloseTo(80, 10);
    expect(s.mIoU).toBeCloseTo(60, 10);
    expect(s.pixelAccuracy).toBeCloseTo((100 * 12) / 17, 10);
  });
  it('leaves a class absent from ground truth and prediction out of the mean', () => {
    const s = scoreConfusion(
      [
        [5, 1, 0, 0],
        [2, 3, 1, 0],
        [0, 0, 4, 0],
        [0, 0, 0, 0],
      ],
      [0, 1, 0, 0],
    );
    expect(s.perClassIoU[3]).toBeNull();
    expect(s.mIoU).toBeCloseTo(60, 10);
  });
  it('counts a class predicted but absent from ground truth as IoU 0', () => {
    const s = scoreConfusion([
      [4, 2],
      [0, 0],
    ]);
    expect(s.perClassIoU).toEqual([(100 * 4) / 6, 0]);
    expect(s.mIoU).toBeCloseTo((100 * 4) / 6 / 2, 10);
  });
  it('refuses a non-square matrix', () => {
    expect(() =>
      scoreConfusion([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ).toThrow(/square/);
  });
});

describe('ConfusionMatrix', () => {
  it('accumulates pixels, skipping void ground truth and counting unlabelled predictions as misses', () => {
    const cm = new ConfusionMatrix(3);
    cm.add(Uint8Array.from([0, 0, 1, 255, 2, 2]), Uint8Array.from([0, 1, 1, 0, 255, 4]));
    cm.add(Uint8Array.from([1]), Uint8Array.from([0]));
    expect(cm.predictedIds).toBe(5);
    expect(cm.toRows()).toEqual([
      [1, 1, 0, 0, 0],
      [1, 1, 0, 0, 0],
      [0, 0, 0, 0, 1],
    ]);
    expect(Array.from(cm.unlabeled)).toEqual([0, 0, 1]);
    expect(cm.total).toBe(6);
    const { confusion, missed } = applyAssignment(cm, identityMatch(5, 3));
    expect(confusion).toEqual([
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    expect(missed).toEqual([0, 0, 2]);
  });
  it('names the image when the ground truth holds a value outside the classes', () => {
    const cm = new ConfusionMatrix(3);
    expect(() => cm.add(Uint8Array.from([3]), Uint8Array.from([0]), 'a.png')).toThrow(/a\.png: ground-truth value 3/);
    expect(() => cm.add(Uint8Array.from([0, 1]), Uint8Array.from([0]), 'b.png')).toThrow(/b\.png/);
  });
  it('merges counts', () => {
    const a = ConfusionMatrix.fromRows(
      [
        [1, 2],
        [3, 4],
      ],
      [1, 0],
    );
    a.merge(
      ConfusionMatrix.fromRows(
        [
          [1, 0, 1],
          [0, 0, 0],
        ],
        [0, 2],
      ),
    );
    expect(a.toRows()).toEqual([
      [2, 2, 1],
      [3, 4, 0],
    ]);
    expect(Array.from(a.unlabeled)).toEqual([1, 2]);
  });
});

describe('meanStd', () => {
  it('uses the population standard deviation', () => {
    const r = meanStd([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(r.mean).toBe(5);
    expect(r.std).toBe(2);
    expect(meanStd([3]).std).toBe(0);
  });
});
