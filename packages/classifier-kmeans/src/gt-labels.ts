import { AcsegError, type RegionMap } from '@acseg/core';

/** Void in VOC, COCO-Stuff and CamVid labels. */
export const IGNORE_LABEL = 255;

/**
 * The ground-truth class that overlaps each region most (method notes §5,
 * k-NN retrieval): pixels labelled 255 never count, nor 0 when
 * `ignoreBackground` (VOC, where 0 is background). Ties go to the lower
 * class id. A region with no counted pixel gets -1 (no label).
 * `gt` is one class id per pixel, at the region map's size.
 */
export function regionMajorityLabels(regions: RegionMap, gt: Uint8Array, ignoreBackground: boolean, where = 'labels'): Int32Array {
  if (gt.length !== regions.width * regions.height) {
    throw new AcsegError(
      'BAD_INPUT',
      `${where}: the label map holds ${gt.length} pixels, the image's regions ${regions.width}×${regions.height} = ${regions.width * regions.height}`,
      {
        hint: "labels must be at the image's original size",
      },
    );
  }
  const counts = new Int32Array(regions.count * 256);
  for (let p = 0; p < gt.length; p++) counts[regions.labels[p] * 256 + gt[p]]++;
  const out = new Int32Array(regions.count).fill(-1);
  for (let r = 0; r < regions.count; r++) {
    let best = 0;
    for (let c = ignoreBackground ? 1 : 0; c < 256; c++) {
      if (c === IGNORE_LABEL) continue;
      const n = counts[r * 256 + c];
      if (n > best) {
        best = n;
        out[r] = c;
      }
    }
  }
  return out;
}
