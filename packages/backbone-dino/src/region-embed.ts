import { AcsegError, regionBoxes, type RegionMap } from '@acseg/core';
import type { DecodedImage } from './image/decode.js';
import { resizeNormalize } from './image/resize.js';

/**
 * Builds the [regions, 3, S, S] input of region embeddings (paper §4.1): each
 * region's bounding box is cropped from the original image and resized to
 * S×S (antialiased bilinear), normalized, and every pixel whose
 * nearest-neighbour source pixel lies outside the region is set to 0 (after
 * normalization, i.e. the mean colour).
 */
export function prepareRegionBatch(
  image: DecodedImage,
  regions: RegionMap,
  which: readonly number[],
  size: number | { height: number; width: number },
): Float32Array {
  const SH = typeof size === 'number' ? size : size.height;
  const SW = typeof size === 'number' ? size : size.width;
  if (regions.width !== image.width || regions.height !== image.height) {
    throw new AcsegError('BAD_INPUT', `${image.source}: the region map is ${regions.width}×${regions.height} but the image is ${image.width}×${image.height}`, {
      file: image.source,
    });
  }
  const boxes = regionBoxes(regions);
  const plane = SH * SW;
  const pixels = new Float32Array(which.length * 3 * plane);
  which.forEach((r, b) => {
    if (!Number.isInteger(r) || r < 0 || r >= regions.count) {
      throw new AcsegError('BAD_INPUT', `${image.source}: region ${r} does not exist (the map has ${regions.count})`);
    }
    const box = boxes[r];
    if (box[2] <= box[0]) throw new AcsegError('BAD_INPUT', `${image.source}: region ${r} has no pixels`);
    const off = b * 3 * plane;
    resizeNormalize(image, { height: SH, width: SW }, pixels, off, box);
    const bw = box[2] - box[0];
    const bh = box[3] - box[1];
    const colSrc = new Int32Array(SW);
    for (let x = 0; x < SW; x++) colSrc[x] = box[0] + Math.min(bw - 1, Math.floor(((x + 0.5) * bw) / SW));
    for (let y = 0; y < SH; y++) {
      const row = (box[1] + Math.min(bh - 1, Math.floor(((y + 0.5) * bh) / SH))) * regions.width;
      for (let x = 0; x < SW; x++) {
        if (regions.labels[row + colSrc[x]] !== r) {
          const o = off + y * SW + x;
          pixels[o] = 0;
          pixels[o + plane] = 0;
          pixels[o + 2 * plane] = 0;
        }
      }
    }
  });
  return pixels;
}
