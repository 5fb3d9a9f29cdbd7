import { AcsegError, imageSource, type ImageInput, type RgbImage } from '@acseg/core';
import { decodeImage } from '@acseg/image-io';
import { writeFileAtomic, type WriteOptions } from './atomic.js';
import { VOC_PALETTE } from './palette.js';
import { encodeRgbPng } from './rgb-png.js';
import { scratch } from './scratch.js';

export interface OverlayOptions {
  /** Weight of the class colour: out = round((1 − α)·image + α·colour). Default 0.5. */
  alpha?: number;
  /** Class ids left unblended (the image shows through). Default [255] (void / unlabelled). */
  skip?: readonly number[];
}

/** Blends the VOC colour of each pixel's class onto the image (both width × height). */
export function blendOverlay(image: RgbImage, classMap: Uint8Array, options: OverlayOptions = {}): Uint8Array {
  return blendInto(new Uint8Array(image.data.length), image, classMap, options);
}

/**
 * The blend of every (class, channel, value) a pixel can have, by α, each class's part computed with the formula above
 * when first needed: a table lookup per pixel rather than a multiply and a round (the same bytes, several times
 * faster). Kept across images (a run uses one α): 196 KB made again for each image was most of the blend's garbage.
 */
const tables = new Map<number, { table: Uint8Array; made: Uint8Array }>();
function blendTable(alpha: number): { table: Uint8Array; made: Uint8Array } {
  let t = tables.get(alpha);
  if (!t) {
    if (tables.size >= 4) tables.clear();
    tables.set(alpha, (t = { table: new Uint8Array(256 * 3 * 256), made: new Uint8Array(256) }));
  }
  return t;
}

function blendInto(out: Uint8Array, image: RgbImage, classMap: Uint8Array, options: OverlayOptions): Uint8Array {
  const alpha = options.alpha ?? 0.5;
  if (!(alpha >= 0 && alpha <= 1)) throw new AcsegError('BAD_INPUT', `overlay alpha must be in [0, 1], got ${alpha}`);
  const skip = new Uint8Array(256);
  for (const s of options.skip ?? [255]) skip[s & 255] = 1;
  const { table, made } = blendTable(alpha);
  const data = image.data;
  for (let p = 0; p < classMap.length; p++) {
    const c = classMap[p];
    const o = 3 * p;
    if (skip[c]) {
      out[o] = data[o];
      out[o + 1] = data[o + 1];
      out[o + 2] = data[o + 2];
      continue;
    }
    if (!made[c]) {
      made[c] = 1;
      for (let k = 0; k < 3; k++) for (let v = 0; v < 256; v++) table[(c * 3 + k) * 256 + v] = Math.round((1 - alpha) * v + alpha * VOC_PALETTE[c][k]);
    }
    const t = c * 768;
    out[o] = table[t + data[o]];
    out[o + 1] = table[t + 256 + data[o + 1]];
    out[o + 2] = table[t + 512 + data[o + 2]];
  }
  return out;
}

/** An overlay's PNG (see encodeRgbPng: under half libvips' time at zlib level 2, a smaller file, the same pixels). */
export function encodeOverlayPng(blended: Uint8Array, width: number, height: number): Uint8Array {
  return encodeRgbPng(blended, width, height);
}

/**
 * Writes a PNG of the class map's colours blended on the image. The class
 * map must have the image's size (after EXIF rotation). Atomic.
 */
export async function writeOverlay(
  path: string,
  image: ImageInput,
  classMap: Uint8Array,
  alpha = 0.5,
  options: Omit<OverlayOptions, 'alpha'> & WriteOptions = {},
): Promise<void> {
  const rgb = await decodeImage(image);
  if (classMap.length !== rgb.width * rgb.height) {
    throw new AcsegError('BAD_INPUT', `${imageSource(image)}: the class map holds ${classMap.length} values but the image is ${rgb.width}×${rgb.height}`, {
      file: imageSource(image),
    });
  }
  // Into a buffer of this thread's, used again for the next overlay: the encoder has read it before it returns.
  const blended = blendInto(scratch('blend', rgb.data.length), rgb, classMap, { ...options, alpha });
  await writeFileAtomic(path, encodeOverlayPng(blended, rgb.width, rgb.height), { flush: options.flush });
}
