import { encode } from 'fast-png';
import { AcsegError } from '@acseg/core';
import { writeFileAtomic } from './atomic.js';
import { VOC_PALETTE } from './palette.js';

function checkMap(what: string, classMap: Uint8Array, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new AcsegError('BAD_INPUT', `${what}: bad size ${width}×${height}`, { file: what });
  }
  if (classMap.length !== width * height) {
    throw new AcsegError('BAD_INPUT', `${what}: the class map holds ${classMap.length} values, expected ${width}×${height} = ${width * height}`, {
      file: what,
    });
  }
}

/**
 * An 8-bit indexed (palette) PNG whose pixel values are the class ids and
 * whose palette is VOC's, like VOC's SegmentationClass files. Encoded with
 * fast-png: sharp's `palette: true` quantizes colours (libimagequant) and
 * chooses its own index order, so it cannot keep index = class id.
 */
export function encodeLabelPng(classMap: Uint8Array, width: number, height: number): Uint8Array {
  checkMap('label map', classMap, width, height);
  return encode({ width, height, data: classMap, channels: 1, depth: 8, palette: VOC_PALETTE.map((c) => [c[0], c[1], c[2]]) });
}

/** Writes `encodeLabelPng` to `path` atomically. */
export async function writeLabelPng(path: string, classMap: Uint8Array, width: number, height: number): Promise<void> {
  checkMap(path, classMap, width, height);
  await writeFileAtomic(path, encodeLabelPng(classMap, width, height));
}

export { checkMap };
