import sharp, { type Sharp } from 'sharp';
import { AcsegError, imageSource, isRgbImage, type ImageInput } from '@acseg/core';

/** CLIP's normalization (OpenAI clip/clip.py `_transform`). */
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

/** Interleaved 8-bit RGB (size² × 3) → planar CLIP-normalized floats (3 × size²), written at `out[offset..]`. */
export function normalizeRgb(rgb: Uint8Array, size: number, out: Float32Array, offset = 0): void {
  const n = size * size;
  if (rgb.length !== n * 3) throw new AcsegError('BAD_INPUT', `RGB buffer holds ${rgb.length} bytes, expected ${size}×${size}×3`);
  for (let c = 0; c < 3; c++) {
    const m = CLIP_MEAN[c];
    const s = CLIP_STD[c];
    const base = offset + c * n;
    for (let p = 0; p < n; p++) out[base + p] = (rgb[p * 3 + c] / 255 - m) / s;
  }
}

/**
 * Decodes (paths) and resizes the whole image to size × size (bicubic, no
 * crop: the patch grid must cover every pixel so that regions map onto
 * patches), with EXIF rotation, any colour space to 8-bit sRGB, alpha dropped.
 * An image already at size × size is used as is.
 */
export async function loadRgb(input: ImageInput, size: number, index = 0): Promise<Uint8Array> {
  const source = imageSource(input, index);
  let pipeline: Sharp;
  if (typeof input === 'string') {
    pipeline = sharp(input).rotate();
  } else {
    if (!isRgbImage(input)) throw new AcsegError('BAD_INPUT', `${source}: not an 8-bit RGB image (expected width × height × 3 bytes)`, { file: source });
    if (input.width === size && input.height === size) return input.data;
    pipeline = sharp(input.data, { raw: { width: input.width, height: input.height, channels: 3 } });
  }
  try {
    const { data, info } = await pipeline
      .resize(size, size, { fit: 'fill', kernel: 'cubic' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== size * size * 3) throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}`);
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  } catch (e) {
    throw new AcsegError('BAD_IMAGE', `${source}: cannot read the image (${e instanceof Error ? e.message : String(e)})`, {
      file: source,
      cause: e,
      hint: 'check that the file exists and is a JPEG, PNG, WebP, TIFF, GIF or AVIF image',
    });
  }
}
