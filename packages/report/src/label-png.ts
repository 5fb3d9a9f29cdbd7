import { constants, deflateSync } from 'node:zlib';
import { AcsegError } from '@acseg/core';
import { writeFileAtomic, type WriteOptions } from './atomic.js';
import { VOC_PALETTE } from './palette.js';
import { pngFile } from './png-file.js';
import { scratch } from './scratch.js';

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

const PLTE = Uint8Array.from(VOC_PALETTE.flatMap((c) => [c[0], c[1], c[2]]));

/**
 * An 8-bit indexed (palette) PNG whose pixel values are the class ids and
 * whose palette is VOC's, like VOC's SegmentationClass files. Written here
 * (sharp's `palette: true` quantizes colours and chooses its own index
 * order, so it cannot keep index = class id): rows unfiltered, deflated by
 * Node's zlib with run-length matching, which suits maps of flat regions —
 * ~0.3 ms for a 480×360 map where fast-png took ~8, and a smaller file.
 */
export function encodeLabelPng(classMap: Uint8Array, width: number, height: number): Uint8Array {
  checkMap('label map', classMap, width, height);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  // Bit depth 8, colour type 3 (indexed), deflate, adaptive filtering (each row says its filter: none), no interlace.
  ihdr.set([8, 3, 0, 0, 0], 8);
  // Reused between maps (zlib has read it before this returns); every filter byte is written: 0, none.
  const rows = scratch('label-rows', (width + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width + 1)] = 0;
    rows.set(classMap.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  const idat = deflateSync(rows, { level: 6, strategy: constants.Z_RLE });
  return pngFile([
    ['IHDR', ihdr],
    ['PLTE', PLTE],
    ['IDAT', idat],
    ['IEND', new Uint8Array(0)],
  ]);
}

/** Writes `encodeLabelPng` to `path` atomically. */
export async function writeLabelPng(path: string, classMap: Uint8Array, width: number, height: number, options: WriteOptions = {}): Promise<void> {
  checkMap(path, classMap, width, height);
  await writeFileAtomic(path, encodeLabelPng(classMap, width, height), options);
}

export { checkMap };
