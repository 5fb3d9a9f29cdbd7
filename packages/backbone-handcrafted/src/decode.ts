import { imageSource, resolveMaxPixels, type ImageDecoder, type ImageInput, type RgbImage } from '@acseg/core';
import { checkPatchSize, createImageDecoder, resizeRgb } from '@acseg/image-io';
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
 * The image at full size from the run's one decoder (its pixel limit and wording of refusals), refused when smaller
 * than one 16×16 patch: what `decode` shares with the run and `prepareImage` resizes.
 */
export async function decodeChecked(input: ImageInput, index: number, maxPixels: number, decoder: ImageDecoder): Promise<RgbImage> {
  const image = await decoder.decode(input, { index, maxPixels });
  checkPatchSize(imageSource(input, index), image.width, image.height, PATCH_SIZE, typeof input === 'string' ? input : input.source);
  return image;
}

/**
 * The image (decoded at full size, the one decode a run shares) resized to size×size (cubic), what the features read.
 * A file gives the same pixels as its decode: no JPEG shrink-on-load, which would make them differ.
 */
export async function prepareImage(
  input: ImageInput,
  size: number,
  index = 0,
  maxPixels = resolveMaxPixels(undefined),
  decoder: ImageDecoder = createImageDecoder(),
): Promise<PreparedImage> {
  const image = await decodeChecked(input, index, maxPixels, decoder);
  const resized = await resizeRgb(image, size, size, 'cubic');
  return { rgb: resized.data, size, width: image.width, height: image.height, source: imageSource(image, index) };
}
