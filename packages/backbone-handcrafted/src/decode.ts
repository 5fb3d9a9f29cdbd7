import sharp, { type Metadata, type Sharp } from 'sharp';
import { AcsegError, checkImagePixels, emptyFileProblem, imageSource, isRgbImage, resolveMaxPixels, type ImageInput } from '@acseg/core';
import { PATCH_SIZE } from './layout.js';

/** An image resized to the backbone's square input, plus what messages and outputs need. */
export interface PreparedImage {
  /** size × size × 3 bytes, interleaved RGB. */
  rgb: Uint8Array;
  size: number;
  /** The original image's size after EXIF rotation. */
  width: number;
  height: number;
  source: string;
}

/**
 * Decodes (paths) and resizes to size×size with the normalizations every
 * acseg backbone applies: EXIF rotation, any colour space (grey, CMYK,
 * 16-bit, ...) to 8-bit sRGB, alpha dropped. Throws AcsegError naming the
 * file when it cannot be read, is larger than `maxPixels` (from its header,
 * before decoding; default `$ACSEG_MAX_PIXELS`, else 64 MP) or is smaller
 * than one 16×16 patch.
 */
export async function prepareImage(input: ImageInput, size: number, index = 0, maxPixels = resolveMaxPixels(undefined)): Promise<PreparedImage> {
  const source = imageSource(input, index);
  let width: number;
  let height: number;
  let pipeline: Sharp;
  if (typeof input === 'string') {
    let meta: Metadata;
    try {
      meta = await sharp(input, { limitInputPixels: false }).metadata();
    } catch (e) {
      const empty = emptyFileProblem(input);
      if (empty) throw new AcsegError('BAD_IMAGE', `${input}: ${empty}`, { file: input, cause: e });
      throw new AcsegError('BAD_IMAGE', `${input}: cannot read the image (${e instanceof Error ? e.message : String(e)})`, {
        file: input, cause: e, hint: 'check that the file exists and is a JPEG, PNG, WebP, TIFF, GIF or AVIF image',
      });
    }
    width = meta.autoOrient?.width ?? meta.width ?? 0;
    height = meta.autoOrient?.height ?? meta.height ?? 0;
    checkImagePixels(source, width, height, maxPixels, input);
    // libvips enforces the same limit while decoding, in case the header understates the size.
    pipeline = sharp(input, { limitInputPixels: maxPixels }).rotate();
  } else {
    if (!isRgbImage(input)) {
      throw new AcsegError('BAD_INPUT', `${source}: not an 8-bit RGB image (expected width × height × 3 bytes of data)`, { file: source });
    }
    width = input.width;
    height = input.height;
    checkImagePixels(source, width, height, maxPixels);
    if (width === size && height === size && width >= PATCH_SIZE) return { rgb: input.data, size, width, height, source };
    pipeline = sharp(input.data, { raw: { width, height, channels: 3 } });
  }
  if (width < PATCH_SIZE || height < PATCH_SIZE) {
    throw new AcsegError('BAD_IMAGE', `${source}: the image is ${width}×${height} px, smaller than one ${PATCH_SIZE}×${PATCH_SIZE} patch`, {
      file: source, hint: `use images at least ${PATCH_SIZE} px wide and high`,
    });
  }
  try {
    const { data, info } = await pipeline
      .resize(size, size, { fit: 'fill', kernel: 'cubic' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== size * size * 3) {
      throw new Error(`decoded to ${info.channels} channels and ${data.length} bytes, expected 8-bit RGB`);
    }
    return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), size, width, height, source };
  } catch (e) {
    throw new AcsegError('BAD_IMAGE', `${source}: cannot decode the image (${e instanceof Error ? e.message : String(e)})`, { file: source, cause: e });
  }
}
