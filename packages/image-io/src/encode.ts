import { isRgbImage, type ImageInput, type RgbImage } from '@acseg/core';
import { decodeImage } from './decode.js';
import { sharpLib } from './sharp.js';

async function raw(image: RgbImage) {
  const sharp = await sharpLib();
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}

/** An RGB image as PNG bytes (overlays); `compressionLevel` is zlib's 0-9 (libvips' default 6). */
export async function encodePng(image: RgbImage, options: { compressionLevel?: number } = {}): Promise<Buffer> {
  return (await raw(image)).png(options).toBuffer();
}

/** An RGB image as JPEG bytes (report samples). */
export async function encodeJpeg(image: RgbImage, quality = 85): Promise<Buffer> {
  return (await raw(image)).jpeg({ quality }).toBuffer();
}

/**
 * A JPEG thumbnail that fits `side` × `side` (never enlarged), of a file (EXIF-rotated, sRGB, no alpha; read with
 * libvips' shrink-on-load, so a large photo is not decoded at full size) or of a decoded image.
 */
export async function thumbnailJpeg(image: ImageInput, side: number, quality = 80): Promise<Buffer> {
  const sharp = await sharpLib();
  const fit = { fit: 'inside', withoutEnlargement: true } as const;
  // Huffman tables left at libjpeg's defaults, not fitted to the image by a second pass: ~0.8 ms less CPU a 320 px
  // thumbnail (2.0 against 2.8 ms), a file ~2 % larger, the same pixels (the coding is lossless; a test decodes both).
  const jpeg = { quality, optimiseCoding: false };
  if (typeof image !== 'string' && isRgbImage(image)) {
    return (await raw(image)).resize(side, side, fit).jpeg(jpeg).toBuffer();
  }
  try {
    return await sharp(image as string)
      .rotate()
      .resize(side, side, fit)
      .toColourspace('srgb')
      .removeAlpha()
      .jpeg(jpeg)
      .toBuffer();
  } catch (e) {
    // A file libvips does not decode itself (HEIC) goes through the one decoder, which also words a bad file's error.
    const decoded = await decodeImage(image as string).catch(() => Promise.reject(e as Error));
    return thumbnailJpeg(decoded, side, quality);
  }
}

/** An SVG drawing rendered to PNG at `density` dpi (figures). */
export async function svgToPng(svg: string, density = 144): Promise<Buffer> {
  const sharp = await sharpLib();
  return sharp(Buffer.from(svg), { density }).png().toBuffer();
}

/**
 * What a gallery shows for an image: a small JPEG's own bytes (`RgbImage.jpeg`, set by `decodeImage`) when neither
 * side exceeds twice `side`, else `thumbnailJpeg(image, side, quality)`. A re-encoded thumbnail of such a file
 * (CamVid's 480×360, VOC's 500×375, COCO's 640×480) is hardly smaller, a generation worse, and costs ~2–3 ms of CPU an
 * image, about a fifth of the weight-free backbone's own work.
 */
export async function previewJpeg(image: ImageInput, side: number, quality = 80): Promise<Uint8Array> {
  if (typeof image !== 'string' && isRgbImage(image) && image.jpeg && Math.max(image.width, image.height) <= 2 * side) return image.jpeg;
  return thumbnailJpeg(image, side, quality);
}
