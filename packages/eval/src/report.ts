/**
 * The result of an evaluation, as `acseg eval` writes it to metrics JSON and
 * @acseg/report renders it. Plain JSON values only: undefined IoUs are
 * `null`, class maps are base64 strings (see `decodeClassMap`).
 */
import type { RgbImage } from '@acseg/core';
import type { BaselineResult } from './baseline.js';

export type MatchingMode = 'pixels' | 'iou' | 'none';

export interface SeedResult {
  seed: number;
  /** Percent, 0..100. */
  mIoU: number;
  /** Percent, 0..100. */
  pixelAccuracy: number;
  /** Percent per class; null where the class is in neither ground truth nor prediction. */
  perClassIoU: Array<number | null>;
  /** classes × classes pixel counts after matching: row = ground truth, column = predicted class. */
  confusion: number[][];
  /** Pixels (non-void ground truth) whose prediction matched no class (unmatched ids, unlabelled regions), per ground-truth class. */
  unmatched: number[];
  /** Predicted id → class id chosen by the matching; -1 for ids left unmatched. Identity for `none`. */
  assignment: number[];
}

export interface MeanStd {
  mean: number;
  /** Population standard deviation over seeds (numpy's default, ddof = 0); 0 for a single seed. */
  std: number;
}

/** How to get, from the original image file, the pixels a sample's class maps cover. */
export interface ImageTransform {
  /** Resize the original image to this size first. */
  resize?: { width: number; height: number };
  /** Then crop this window. */
  crop?: { left: number; top: number; width: number; height: number };
}

export interface EvalSample {
  id: string;
  /** Path of the original image file. */
  image: string;
  /** Applied to `image` before segmentation (COCO-Stuff: short side 320 + centre crop); absent for none. */
  transform?: ImageTransform;
  /** The image as segmented (decoded, transformed), at width × height, for the report's picture; not written to metrics.json. */
  decoded?: RgbImage;
  width: number;
  height: number;
  /** Seed the prediction comes from (the first). */
  seed: number;
  /** Class id per pixel after matching, 255 for void/unmatched: uint8, row-major, base64. */
  prediction: string;
  /** Ground-truth class id per pixel, 255 for void: uint8, row-major, base64. */
  groundTruth: string;
  /** Why it was picked: spread evenly over the split, or among the worst/best by per-image mIoU. */
  pick?: SamplePick;
  /** The image's own mIoU (percent) under the seed's labels and matching. */
  mIoU?: number;
}

export type SamplePick = 'spread' | 'best' | 'worst';

export interface SkippedItem {
  id: string;
  file?: string;
  reason: string;
}

export interface EvalReport {
  /** The protocol, e.g. "unsupervised (k-means)", "k-NN retrieval (K=5)", "CLIP". */
  protocol: string;
  /** The method's name for the table row, e.g. "ACSeg (ours)". */
  method: string;
  dataset: string;
  split: string;
  /** Class names, index = class id. */
  classNames: string[];
  hasBackground: boolean;
  matching: MatchingMode;
  backbone: string;
  generator: string;
  classifier: string;
  /** Images evaluated (after skips). */
  images: number;
  /** Non-void ground-truth pixels per seed. */
  pixels: number;
  seeds: SeedResult[];
  mIoU: MeanStd;
  pixelAccuracy: MeanStd;
  /** Mean over seeds of each class's IoU (percent; null where undefined in every seed). */
  perClassIoU: Array<number | null>;
  /** The first seed's matched confusion matrix (all seeds' are in `seeds`). */
  confusion: number[][];
  samples: EvalSample[];
  /** Trivial predictions scored on the same pixels (the majority class), as reference points. */
  baselines?: BaselineResult[];
  skipped: SkippedItem[];
  /** ISO time the evaluation finished. */
  date: string;
  /** Wall time of the run, seconds. */
  seconds: number;
}

export function encodeClassMap(map: Uint8Array): string {
  return Buffer.from(map.buffer, map.byteOffset, map.byteLength).toString('base64');
}

export function decodeClassMap(encoded: string): Uint8Array {
  return new Uint8Array(Buffer.from(encoded, 'base64'));
}
