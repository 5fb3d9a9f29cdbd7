import { AcsegError, imageSource, type RgbImage } from '@acseg/core';
import { sharpLib } from './sharp.js';

/** The resampling kernels acseg uses: features read cubic, huge photos shrink linear, reports show lanczos3. */
export type ResizeKernel = 'nearest' | 'linear' | 'cubic' | 'lanczos3';

function rgb(image: RgbImage, data: Buffer, width: number, height: number): RgbImage {
  if (data.length !== width * height * 3) throw new AcsegError('BAD_INPUT', `resize gave ${data.length} bytes, expected ${width}×${height}×3`);
  return { ...image, width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** The image stretched to width × height (no crop, no padding); one already that size is returned as is. Keeps id and source. */
export async function resizeRgb(image: RgbImage, width: number, height: number, kernel: ResizeKernel = 'cubic'): Promise<RgbImage> {
  if (image.width === width && image.height === height) return image;
  const sharp = await sharpLib();
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel })
    .raw()
    .toBuffer();
  return rgb(image, data, width, height);
}

/** A rectangle of the image; one outside it is a BAD_INPUT naming the image. */
export function cropRgb(image: RgbImage, crop: { left: number; top: number; width: number; height: number }): RgbImage {
  const { left, top, width, height } = crop;
  if (left < 0 || top < 0 || width < 1 || height < 1 || left + width > image.width || top + height > image.height) {
    throw new AcsegError(
      'BAD_INPUT',
      `${imageSource(image)}: crop ${width}×${height} at (${left}, ${top}) lies outside the ${image.width}×${image.height} image`,
    );
  }
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 3;
    out.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { ...image, width, height, data: out };
}
