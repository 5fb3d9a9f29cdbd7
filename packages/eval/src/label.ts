import { readFile } from 'node:fs/promises';
import { AcsegError, toAcsegError } from '@acseg/core';
import { decode } from 'fast-png';
import { readImageSize } from '@acseg/image-io';
import { checkSameSize, type Dataset, type DatasetItem, type DatasetProblem } from './dataset.js';

/** A ground-truth label map: one class id per pixel (255 = void), row-major. */
export interface LabelMap {
  width: number;
  height: number;
  data: Uint8Array;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Palette indices packed `depth` bits a pixel, rows byte-aligned (PNG), one byte each. */
function unpackIndices(packed: ArrayLike<number>, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      out[y * width + x] = (packed[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/**
 * Reads a class-index PNG with fast-png, which gives a palette PNG's
 * stored indices (VOC: the index is the class) and a grey PNG's values
 * (CamVid, COCO stuffthingmaps: the grey value is the class). Other
 * layouts take their first channel. 16-bit and sub-byte grey files are
 * refused: no dataset stores classes that way.
 */
export async function readLabelPng(file: string): Promise<LabelMap> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw toAcsegError(e, 'BAD_DATASET', { file, message: `${file}: cannot read the label file` });
  }
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new AcsegError('BAD_DATASET', `${file}: not a PNG file`, { file });
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (e) {
    throw toAcsegError(e, 'BAD_DATASET', { file, message: `${file}: cannot decode the label PNG` });
  }
  const { width, height, channels, depth } = png;
  if (png.palette && channels === 1) {
    const data = depth === 8 ? Uint8Array.from(png.data as Uint8Array) : unpackIndices(png.data, width, height, depth);
    return { width, height, data };
  }
  if (depth !== 8) throw new AcsegError('BAD_DATASET', `${file}: label PNGs must be 8-bit, this one is ${depth}-bit`, { file });
  const src = png.data as Uint8Array;
  const data = new Uint8Array(width * height);
  for (let p = 0; p < data.length; p++) data[p] = src[p * channels];
  return { width, height, data };
}

/**
 * Checks that every value is a class id (0..classes-1) or 255; the error
 * names the file and the first offending value.
 */
export function checkLabelRange(label: LabelMap, classes: number, file: string): void {
  for (let p = 0; p < label.data.length; p++) {
    const v = label.data[p];
    if (v >= classes && v !== 255) {
      throw new AcsegError(
        'BAD_DATASET',
        `${file}: label value ${v} at (x ${p % label.width}, y ${Math.floor(p / label.width)}) is outside the ${classes} classes (0..${classes - 1}, 255 = void)`,
        { file },
      );
    }
  }
}

/** Reads an image's header and its label; the label must have the image's size. */
export async function loadCheckedLabel(item: DatasetItem, classes: number): Promise<LabelMap> {
  const label = await readLabelPng(item.label);
  // As stored: label maps ignore EXIF orientation.
  checkSameSize(label, await readImageSize(item.image, { autoOrient: false }), item);
  checkLabelRange(label, classes, item.label);
  return label;
}

/**
 * A dataset whose ground truth is class-index PNGs read as they are (VOC, CamVid): 255 is void, every other value must
 * be a class of `classNames`.
 */
export function indexPngDataset(
  name: string,
  split: string,
  root: string,
  classNames: readonly string[],
  hasBackground: boolean,
  checked: { items: DatasetItem[]; problems: DatasetProblem[] },
): Dataset {
  return {
    name,
    split,
    root,
    classNames: [...classNames],
    ignoreIndex: 255,
    hasBackground,
    items: checked.items,
    problems: checked.problems,
    loadLabel: (item) => loadCheckedLabel(item, classNames.length),
  };
}
