import { AcsegError, type ImageDecoder, type ImageInput } from '@acseg/core';
import { createImageDecoder, resizeRgb } from '@acseg/image-io';

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
 * CLIP's input: the image from the run's one decoder (EXIF rotation, any colour space to 8-bit sRGB, alpha dropped;
 * its pixel limit and wording of refusals), the whole of it resized to size × size (bicubic, no crop: the patch grid
 * must cover every pixel so that regions map onto patches). A file gives the same pixels as its decode. An image
 * already at size × size is used as is.
 */
export async function clipInputRgb(input: ImageInput, size: number, index = 0, decoder: ImageDecoder = createImageDecoder()): Promise<Uint8Array> {
  const image = await decoder.decode(input, { index });
  return (await resizeRgb(image, size, size, 'cubic')).data;
}
