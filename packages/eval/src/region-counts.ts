import { AcsegError, type RegionMap } from '@acseg/core';
import { IGNORE_INDEX } from './confusion.js';

/**
 * Pixels of each (region, ground-truth class) pair of one image, regions ×
 * classes, void skipped. Everything the confusion matrix needs of an image
 * once its regions are named: a region's class applies to all its pixels,
 * so these counts give the matrix exactly, whatever the classifier says,
 * without keeping the full-resolution maps (a few hundred bytes an image).
 */
export interface RegionClassCounts {
  regionCount: number;
  classes: number;
  /** Row-major regionCount × classes. */
  counts: Uint32Array;
}

export function regionClassCounts(regions: RegionMap, groundTruth: ArrayLike<number>, classes: number, source = 'image'): RegionClassCounts {
  if (groundTruth.length !== regions.labels.length) {
    throw new AcsegError('BAD_INPUT', `${source}: regions cover ${regions.labels.length} pixels, the ground truth ${groundTruth.length}`);
  }
  const counts = new Uint32Array(regions.count * classes);
  for (let p = 0; p < groundTruth.length; p++) {
    const g = groundTruth[p];
    if (g === IGNORE_INDEX) continue;
    if (!(g >= 0 && g < classes))
      throw new AcsegError('BAD_INPUT', `${source}: ground-truth value ${g} at pixel ${p} is outside 0..${classes - 1} and not ${IGNORE_INDEX}`);
    counts[regions.labels[p] * classes + g]++;
  }
  return { regionCount: regions.count, classes, counts };
}
