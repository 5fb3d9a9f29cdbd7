import { AcsegError } from '@acseg/core';
import type { RegionClassCounts } from './region-counts.js';

/** The ground-truth value that metrics skip (VOC border/void, CamVid and COCO "unlabelled"). */
export const IGNORE_INDEX = 255;

/**
 * Pixel counts of ground-truth class (row) × predicted id (column),
 * accumulated over a whole dataset at the label's resolution. Ground truth
 * 255 is skipped. Predicted ids are 0..254 (a class map's uint8 range) and
 * columns grow to the largest id seen; a prediction of 255 ("no label":
 * a region the classifier left unlabelled) is counted in `unlabeled` for
 * its ground-truth class, and so counts as a miss in every metric.
 */
export class ConfusionMatrix {
  readonly classes: number;
  private counts: Float64Array;
  /** Non-void ground-truth pixels predicted as 255, per class. */
  readonly unlabeled: Float64Array;
  private maxPred = -1;

  constructor(classes: number) {
    if (!Number.isInteger(classes) || classes < 1 || classes > 255)
      throw new AcsegError('BAD_INPUT', `a confusion matrix needs 1..255 classes, got ${classes}`);
    this.classes = classes;
    this.counts = new Float64Array(classes * 256);
    this.unlabeled = new Float64Array(classes);
  }

  /** Number of predicted-id columns (largest id seen + 1). */
  get predictedIds(): number {
    return this.maxPred + 1;
  }

  /**
   * Adds one image. Both maps are row-major at the same resolution; a
   * ground-truth value other than 0..classes-1 and 255 is an error.
   */
  add(groundTruth: ArrayLike<number>, prediction: ArrayLike<number>, source = 'image'): void {
    if (groundTruth.length !== prediction.length) {
      throw new AcsegError('BAD_INPUT', `${source}: prediction has ${prediction.length} pixels, ground truth ${groundTruth.length}`);
    }
    const C = this.classes;
    let maxPred = this.maxPred;
    for (let p = 0; p < groundTruth.length; p++) {
      const g = groundTruth[p];
      if (g === IGNORE_INDEX) continue;
      if (!(g >= 0 && g < C))
        throw new AcsegError('BAD_INPUT', `${source}: ground-truth value ${g} at pixel ${p} is outside 0..${C - 1} and not ${IGNORE_INDEX}`);
      const q = prediction[p];
      if (q === IGNORE_INDEX) {
        this.unlabeled[g]++;
        continue;
      }
      if (!(q >= 0 && q < 255) || !Number.isInteger(q)) throw new AcsegError('BAD_INPUT', `${source}: predicted id ${q} at pixel ${p} is outside 0..254`);
      this.counts[g * 256 + q]++;
      if (q > maxPred) maxPred = q;
    }
    this.maxPred = maxPred;
  }

  /**
   * Adds one image from its region × class pixel counts and each region's
   * predicted id (255: unlabelled): the same as `add` on the full maps.
   */
  addRegions(table: RegionClassCounts, predicted: ArrayLike<number>, source = 'image'): void {
    const C = this.classes;
    if (table.classes !== C) throw new AcsegError('BAD_INPUT', `${source}: region counts over ${table.classes} classes, the matrix has ${C}`);
    if (predicted.length !== table.regionCount)
      throw new AcsegError('BAD_INPUT', `${source}: ${predicted.length} predicted ids for ${table.regionCount} regions`);
    for (let r = 0; r < table.regionCount; r++) {
      const q = predicted[r];
      let pixels = 0;
      for (let g = 0; g < C; g++) pixels += table.counts[r * C + g];
      if (pixels === 0) continue;
      if (q === IGNORE_INDEX) {
        for (let g = 0; g < C; g++) this.unlabeled[g] += table.counts[r * C + g];
        continue;
      }
      if (!(q >= 0 && q < 255) || !Number.isInteger(q)) throw new AcsegError('BAD_INPUT', `${source}: predicted id ${q} of region ${r} is outside 0..254`);
      for (let g = 0; g < C; g++) this.counts[g * 256 + q] += table.counts[r * C + g];
      if (q > this.maxPred) this.maxPred = q;
    }
  }

  /** Adds another matrix's counts (same class count). */
  merge(other: ConfusionMatrix): void {
    if (other.classes !== this.classes) throw new AcsegError('BAD_INPUT', `cannot merge confusion matrices of ${other.classes} and ${this.classes} classes`);
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
    for (let i = 0; i < this.classes; i++) this.unlabeled[i] += other.unlabeled[i];
    this.maxPred = Math.max(this.maxPred, other.maxPred);
  }

  get(gt: number, pred: number): number {
    return this.counts[gt * 256 + pred];
  }

  /** classes × columns counts; `columns` defaults to max(classes, predicted ids). */
  toRows(columns = Math.max(this.classes, this.predictedIds)): number[][] {
    return Array.from({ length: this.classes }, (_, g) => Array.from({ length: columns }, (_, q) => (q < 256 ? this.counts[g * 256 + q] : 0)));
  }

  /** Non-void ground-truth pixels counted. */
  get total(): number {
    let s = 0;
    for (const v of this.counts) s += v;
    for (const v of this.unlabeled) s += v;
    return s;
  }

  /** Builds a matrix from rows (ground truth × predicted id), e.g. for tests or a saved report. */
  static fromRows(rows: readonly (readonly number[])[], unlabeled?: readonly number[]): ConfusionMatrix {
    const m = new ConfusionMatrix(rows.length);
    rows.forEach((row, g) =>
      row.forEach((v, q) => {
        if (q > 254) throw new AcsegError('BAD_INPUT', `predicted id ${q} is outside 0..254`);
        m.counts[g * 256 + q] = v;
        if (v > 0 && q > m.maxPred) m.maxPred = q;
      }),
    );
    unlabeled?.forEach((v, g) => {
      m.unlabeled[g] = v;
    });
    return m;
  }
}
