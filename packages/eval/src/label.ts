import { readFile } from 'node:fs/promises';
import { AcsegError, toAcsegError } from '@acseg/core';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { checkSameSize, type DatasetItem } from './dataset.js';

/** A ground-truth label map: one class id per pixel (255 = void), row-major. */
export interface LabelMap {
  width: number;
  height: number;
  data: Uint8Array;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The palette (PLTE chunk) of a PNG file as packed 0xRRGGBB numbers, or
 * undefined for a PNG without one. Only the chunk headers are walked; the
 * image data is not decompressed.
 */
export function pngPalette(bytes: Uint8Array, file: string): number[] | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new AcsegError('BAD_DATASET', `${file}: not a PNG file`, { file });
  let off = 8;
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    if (type === 'PLTE') {
      if (len % 3 !== 0 || off + 8 + len > buf.length) throw new AcsegError('BAD_DATASET', `${file}: malformed PNG palette`, { file });
      const out: number[] = [];
      for (let i = 0; i < len; i += 3) out.push((buf[off + 8 + i] << 16) | (buf[off + 9 + i] << 8) | buf[off + 10 + i]);
      return out;
    }
    if (type === 'IDAT' || type === 'IEND') return undefined;
    off += 12 + len;
  }
  return undefined;
}

/**
 * Reads a class-index PNG: an 8-bit palette PNG (VOC: the palette index is
 * the class; decoders such as sharp return colours, which are mapped back
 * through the file's own palette) or an 8-bit grey PNG (CamVid, COCO
 * stuffthingmaps: the grey value is the class). When a palette repeats a
 * colour, the lowest index holding it wins.
 */
export async function readLabelPng(file: string): Promise<LabelMap> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw toAcsegError(e, 'BAD_DATASET', { file, message: `${file}: cannot read the label file` });
  }
  const palette = pngPalette(bytes, file);
  let raw: { data: Buffer; info: OutputInfo };
  try {
    const img = sharp(bytes);
    const meta = await img.metadata();
    if (meta.depth !== 'uchar') throw new AcsegError('BAD_DATASET', `${file}: label PNGs must be 8-bit, this one is ${meta.depth}`, { file });
    raw = await img.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw toAcsegError(e, 'BAD_DATASET', { file, message: `${file}: cannot decode the label PNG` });
  }
  const { width, height, channels } = raw.info;
  const src = raw.data;
  const data = new Uint8Array(width * height);
  if (palette) {
    const index = new Map<number, number>();
    for (let i = palette.length - 1; i >= 0; i--) index.set(palette[i], i);
    for (let p = 0; p < data.length; p++) {
      const o = p * channels;
      const rgb = channels >= 3 ? (src[o] << 16) | (src[o + 1] << 8) | src[o + 2] : (src[o] << 16) | (src[o] << 8) | src[o];
      const v = index.get(rgb);
      if (v === undefined) throw new AcsegError('BAD_DATASET', `${file}: pixel ${p} has a colour outside the file's palette`, { file });
      data[p] = v;
    }
  } else {
    for (let p = 0; p < data.length; p++) data[p] = src[p * channels];
  }
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
      throw new AcsegError('BAD_DATASET', `${file}: label value ${v} at (x ${p % label.width}, y ${Math.floor(p / label.width)}) is outside the ${classes} classes (0..${classes - 1}, 255 = void)`, { file });
    }
  }
}

/** Reads an image's header and its label; the label must have the image's size. */
export async function loadCheckedLabel(item: DatasetItem, classes: number): Promise<LabelMap> {
  const label = await readLabelPng(item.label);
  let meta: Metadata;
  try {
    meta = await sharp(item.image).metadata();
  } catch (e) {
    throw toAcsegError(e, 'BAD_IMAGE', { file: item.image, message: `${item.image}: cannot read the image` });
  }
  checkSameSize(label, meta, item);
  checkLabelRange(label, classes, item.label);
  return label;
}

