import { AcsegError } from '@acseg/core';

/**
 * Scores from a square classes × classes confusion (row = ground truth,
 * column = predicted class) plus, per ground-truth class, the pixels whose
 * prediction is no class at all (`missed`: unmatched ids, unlabelled regions).
 * Missed pixels are false negatives of their class and never correct.
 */
export interface Scores {
  /** Percent per class; null where the class has no pixel in ground truth or prediction (union 0). */
  perClassIoU: Array<number | null>;
  /**
   * Percent: mean IoU over the classes with a defined IoU, i.e. present in
   * the ground truth or the prediction (numpy's nanmean, as STEGO and PiCIE).
   * Equal to the mean over all classes whenever every class occurs in the
   * evaluated ground truth (full VOC/COCO/CamVid val sets).
   */
  mIoU: number;
  /** Percent of non-void pixels whose predicted class is their ground-truth class. */
  pixelAccuracy: number;
}

export function scoreConfusion(confusion: readonly (readonly number[])[], missed?: readonly number[]): Scores {
  const C = confusion.length;
  if (C === 0) throw new AcsegError('BAD_INPUT', 'the confusion matrix is empty');
  for (const row of confusion)
    if (row.length !== C) throw new AcsegError('BAD_INPUT', `the confusion matrix must be square (${C}×${C}), a row has ${row.length} columns`);
  const perClassIoU: Array<number | null> = [];
  let correct = 0;
  let total = 0;
  let sum = 0;
  let defined = 0;
  for (let c = 0; c < C; c++) {
    const tp = confusion[c][c];
    let gtCount = missed?.[c] ?? 0;
    let predCount = 0;
    for (let j = 0; j < C; j++) {
      gtCount += confusion[c][j];
      predCount += confusion[j][c];
    }
    const union = gtCount + predCount - tp;
    correct += tp;
    total += gtCount;
    if (union > 0) {
      const iou = (100 * tp) / union;
      perClassIoU.push(iou);
      sum += iou;
      defined++;
    } else perClassIoU.push(null);
  }
  return { perClassIoU, mIoU: defined ? sum / defined : 0, pixelAccuracy: total ? (100 * correct) / total : 0 };
}

/** Mean and population standard deviation (ddof = 0, numpy's default). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: NaN, std: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}
