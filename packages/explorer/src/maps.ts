import { readFile } from 'node:fs/promises';
import { decode } from 'fast-png';
import { AcsegError } from '@acseg/core';

/** An 8-bit index map (region or class per pixel), row-major. */
export interface IndexMap {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Reads an 8-bit one-channel (palette or grey) PNG as indices: the label and region PNGs acseg writes. */
export async function readIndexPng(path: string): Promise<IndexMap> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new AcsegError('BAD_INPUT', `${path}: cannot read (${(e as Error).message})`, { file: path });
  }
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new AcsegError('BAD_INPUT', `${path}: not a readable PNG (${(e as Error).message})`, { file: path });
  }
  if (png.channels !== 1 || png.depth !== 8) {
    throw new AcsegError('BAD_INPUT', `${path}: expected an 8-bit index PNG (one channel), found ${png.channels} channel(s) of ${png.depth} bits`, {
      file: path,
      hint: 'label maps must hold class indices, as VOC SegmentationClass PNGs do',
    });
  }
  return { width: png.width, height: png.height, data: Uint8Array.from(png.data as Uint8Array) };
}

/** Size that fits `maxSide` keeping the aspect ratio (never enlarged). */
export function fitSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const s = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** Nearest-neighbour resize (pixel centres), so indices stay indices. */
export function resizeNearest(map: IndexMap, width: number, height: number): IndexMap {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(map.height - 1, Math.floor(((y + 0.5) * map.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(map.width - 1, Math.floor(((x + 0.5) * map.width) / width));
      data[y * width + x] = map.data[sy * map.width + sx];
    }
  }
  return { width, height, data };
}

/** Run-length code: [value, count, value, count, ...]; small for segmentation maps, and plain JSON for the page. */
export function runLengths(data: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length;) {
    let j = i + 1;
    while (j < data.length && data[j] === data[i]) j++;
    out.push(data[i], j - i);
    i = j;
  }
  return out;
}
