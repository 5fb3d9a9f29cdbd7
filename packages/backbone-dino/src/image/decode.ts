import { DEFAULT_MAX_PIXELS, imageId, imageSource, type ImageDecoder, type ImageInput } from '@acseg/core';
import { checkPatchSize, createImageDecoder, resizeRgb } from '@acseg/image-io';
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
   * When set and both sides exceed 4× this, the decoded image is first shrunk to 2×target per side (libvips, linear)
   * so huge photos resize fast; the final resize to the input size is still ours.
   */
  shrinkTarget?: number;
  /** Largest image accepted, checked from the header before decoding (default: the decoder's, 64 MP; see resolveMaxPixels). */
  maxPixels?: number;
  /** The run's image decoder (`services.images`); default: @acseg/image-io's. */
  decoder?: ImageDecoder;
}

/**
 * An image as this backbone reads it: decoded by the run's one decoder (8-bit sRGB, EXIF-rotated, alpha dropped; the
 * pixel limit and the wording of every refusal are the decoder's), refused when smaller than one patch, and shrunk
 * when huge (`shrinkTarget`).
 */
export async function decodeImage(input: ImageInput, index: number, opts: DecodeOptions): Promise<DecodedImage> {
  const image = await (opts.decoder ?? createImageDecoder()).decode(input, { index, maxPixels: opts.maxPixels });
  const source = imageSource(input, index);
  checkPatchSize(source, image.width, image.height, opts.patchSize, typeof input === 'string' ? input : input.source);
  const { width, height } = image;
  const decoded = { id: imageId(input, index), source, width, height, data: image.data, original: { width, height } };
  const target = opts.shrinkTarget;
  if (!target || width <= 4 * target || height <= 4 * target) return decoded;
  // Both sides over 4× the input: 2×target per side first (the same for a file and for its decode, so decoding once
  // changes no feature).
  const small = await resizeRgb(image, 2 * target, 2 * target, 'linear');
  return { ...decoded, width: small.width, height: small.height, data: small.data };
}
