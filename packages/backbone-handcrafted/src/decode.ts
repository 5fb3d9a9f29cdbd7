import sharp, { type Metadata } from 'sharp';
import {
  AcsegError,
  checkImagePixels,
  emptyFileProblem,
  imageId,
  imageSource,
  isRgbImage,
  resolveMaxPixels,
  type ImageInput,
  type RgbImage,
} from '@acseg/core';
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

/** The error for an image under one patch, the smallest this backbone reads. */
function checkPatch(source: string, width: number, height: number): void {
  if (width < PATCH_SIZE || height < PATCH_SIZE) {
    throw new AcsegError('BAD_IMAGE', `${source}: the image is ${width}×${height} px, smaller than one ${PATCH_SIZE}×${PATCH_SIZE} patch`, {
      file: source,
      hint: `use images at least ${PATCH_SIZE} px wide and high`,
    });
  }
}

/**
 * Decodes an image file at full size with the normalizations every acseg backbone applies: EXIF rotation, any
 * colour space (grey, CMYK, 16-bit, ...) to 8-bit sRGB, alpha dropped. Throws AcsegError naming the file when it
 * cannot be read, is larger than `maxPixels` (from its header, before decoding; default `$ACSEG_MAX_PIXELS`, else
 * 64 MP) or is smaller than one 16×16 patch. An RgbImage is checked and passed through.
 */
export async function decodeFull(input: ImageInput, index = 0, maxPixels = resolveMaxPixels(undefined)): Promise<RgbImage> {
  const source = imageSource(input, index);
  const id = imageId(input, index);
  if (typeof input !== 'string') {
    if (!isRgbImage(input)) {
      throw new AcsegError('BAD_INPUT', `${source}: not an 8-bit RGB image (expected width × height × 3 bytes of data)`, { file: source });
    }
    checkImagePixels(source, input.width, input.height, maxPixels);
    checkPatch(source, input.width, input.height);
    return input;
  }
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (e) {
    const empty = emptyFileProblem(input);
    if (empty) throw new AcsegError('BAD_IMAGE', `${input}: ${empty}`, { file: input, cause: e });
    throw new AcsegError('BAD_IMAGE', `${input}: cannot read the image (${e instanceof Error ? e.message : String(e)})`, {
      file: input,
      cause: e,
      hint: 'check that the file exists and is a JPEG, PNG, WebP, TIFF, GIF or AVIF image',
    });
  }
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  checkImagePixels(source, width, height, maxPixels, input);
  checkPatch(source, width, height);
  try {
    // libvips enforces the same limit while decoding, in case the header understates the size.
    const { data, info } = await sharp(input, { limitInputPixels: maxPixels })
      .rotate()
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
      throw new Error(`decoded to ${info.channels} channels and ${data.length} bytes, expected 8-bit RGB`);
    }
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length), id, source };
  } catch (e) {
    throw new AcsegError('BAD_IMAGE', `${source}: cannot decode the image (${e instanceof Error ? e.message : String(e)})`, { file: source, cause: e });
  }
}

/**
 * The image (decoded at full size by `decodeFull`, the one decode a run shares) resized to size×size (cubic), what
 * the features read. A file gives the same pixels as its decode: no JPEG shrink-on-load, which would make them differ.
 */
export async function prepareImage(input: ImageInput, size: number, index = 0, maxPixels = resolveMaxPixels(undefined)): Promise<PreparedImage> {
  const image = await decodeFull(input, index, maxPixels);
  const source = imageSource(image, index);
  const { width, height } = image;
  if (width === size && height === size) return { rgb: image.data, size, width, height, source };
  try {
    const { data, info } = await sharp(image.data, { raw: { width, height, channels: 3 } })
      .resize(size, size, { fit: 'fill', kernel: 'cubic' })
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
