import {
  AcsegError,
  checkImagePixels,
  DEFAULT_MAX_PIXELS,
  emptyFileProblem,
  imageId,
  imageSource,
  isRgbImage,
  resolveMaxPixels,
  type ImageInput,
} from '@acseg/core';
import sharp, { type Metadata } from 'sharp';
import type { Raster } from './resize.js';

/** The default pixel limit (@acseg/core's DEFAULT_MAX_PIXELS, 64 MP), kept under its old name. */
export const MAX_INPUT_PIXELS = DEFAULT_MAX_PIXELS;

export interface DecodedImage extends Raster {
  id: string;
  source: string;
  /** Size of the original image (after EXIF orientation). */
  original: { width: number; height: number };
}

export interface DecodeOptions {
  patchSize: number;
  /**
   * When set and both sides exceed 4× this, libvips first shrinks the image to
   * 2×target per side (JPEG shrink-on-load) so huge photos decode fast; the
   * final resize to the input size is still ours.
   */
  shrinkTarget?: number;
  /** Largest image accepted, checked from the header before decoding (default 64 MP; see resolveMaxPixels). */
  maxPixels?: number;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

function badImage(source: string, file: string | undefined, problem: string, hint?: string, cause?: unknown): AcsegError {
  return new AcsegError('BAD_IMAGE', `${source}: ${problem}`, { file, hint, cause });
}

/**
 * Decodes an image file (JPEG, PNG, WebP, ... via sharp) to 8-bit sRGB,
 * applying the EXIF orientation and dropping alpha; grayscale, CMYK and
 * 16-bit images are converted. An RgbImage is checked and passed through.
 */
export async function decodeImage(input: ImageInput, index: number, opts: DecodeOptions): Promise<DecodedImage> {
  const id = imageId(input, index);
  const source = imageSource(input, index);
  const maxPixels = opts.maxPixels ?? resolveMaxPixels(undefined);
  const file = typeof input === 'string' ? input : input.source;
  const checkSize = (w: number, h: number) => {
    checkImagePixels(source, w, h, maxPixels, file);
    if (w < opts.patchSize || h < opts.patchSize) {
      throw badImage(source, file, `the image is ${w}×${h}, smaller than one ${opts.patchSize}×${opts.patchSize} patch`);
    }
  };
  if (typeof input !== 'string') {
    if (!isRgbImage(input)) {
      throw badImage(source, file, 'not a valid RGB image (expected { width, height, data: Uint8Array of 3·width·height bytes })');
    }
    checkSize(input.width, input.height);
    return shrunk(
      { id, source, width: input.width, height: input.height, data: input.data, original: { width: input.width, height: input.height } },
      opts.shrinkTarget,
    );
  }
  let meta: Metadata;
  try {
    meta = await sharp(input, { failOn: 'truncated', limitInputPixels: false }).metadata();
  } catch (e) {
    const msg = firstLine(e);
    if (/ENOENT|no such file|file is missing/i.test(msg)) throw badImage(source, file, 'the file does not exist', undefined, e);
    const empty = emptyFileProblem(input);
    if (empty) throw badImage(source, file, empty, undefined, e);
    throw badImage(source, file, `not a readable image (${msg})`, 'supported formats: JPEG, PNG, WebP, GIF, TIFF, AVIF', e);
  }
  const swap = (meta.orientation ?? 1) >= 5;
  const width = swap ? (meta.height ?? 0) : (meta.width ?? 0);
  const height = swap ? (meta.width ?? 0) : (meta.height ?? 0);
  checkSize(width, height);
  const pipe = sharp(input, { failOn: 'truncated', limitInputPixels: maxPixels }).rotate().toColourspace('srgb').removeAlpha();
  try {
    const { data, info } = await pipe.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
      throw new Error(`decoded to ${info.channels} channels of ${data.length / (info.width * info.height * info.channels)} bytes`);
    }
    return shrunk(
      { id, source, width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length), original: { width, height } },
      opts.shrinkTarget,
    );
  } catch (e) {
    throw badImage(source, file, `cannot decode the image (${firstLine(e)})`, 'the file may be truncated or corrupt', e);
  }
}

/**
 * A decoded image whose sides both exceed 4× `target`, first shrunk to 2×target per side (libvips, linear) so our
 * antialiased resize to the input size reads few pixels; `original` keeps the full size. The same for a file and for
 * its decode (`DinoBackbone.decode`), so decoding once changes no feature.
 */
async function shrunk(image: DecodedImage, target: number | undefined): Promise<DecodedImage> {
  if (!target || image.width <= 4 * target || image.height <= 4 * target) return image;
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(2 * target, 2 * target, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  return { ...image, width: 2 * target, height: 2 * target, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
