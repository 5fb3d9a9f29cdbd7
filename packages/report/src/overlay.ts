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
interface BlendTable {
  table: Uint8Array;
  made: Uint8Array;
}
const tables = new Map<number, BlendTable>();
function blendTable(alpha: number): BlendTable {
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
  const data = image.data;
  const half = alpha === 0.5 && LITTLE_ENDIAN && data.byteOffset % 4 === 0 && out.byteOffset % 4 === 0;
  const table = half ? undefined : blendTable(alpha);
  const words = half
    ? { data: new Uint32Array(data.buffer, data.byteOffset, data.length >> 2), out: new Uint32Array(out.buffer, out.byteOffset, out.length >> 2) }
    : undefined;
  // Class maps come in runs of one class (a CamVid frame: ~2 000 runs for 173 000 pixels): each run is blended with
  // its class's colour and table fixed, not a class lookup and two tests per pixel.
  const n = classMap.length;
  for (let p = 0; p < n;) {
    const c = classMap[p];
    let e = p + 1;
    while (e < n && classMap[e] === c) e++;
    if (skip[c]) out.set(data.subarray(3 * p, 3 * e), 3 * p);
    else if (table) blendRunByTable(out, data, p, e, c, alpha, table);
    else blendRunHalf(out, data, words!, p, e, VOC_PALETTE[c]);
    p = e;
  }
  return out;
}

function blendRunByTable(out: Uint8Array, data: Uint8Array, from: number, to: number, c: number, alpha: number, t: BlendTable): void {
  if (!t.made[c]) {
    t.made[c] = 1;
    for (let k = 0; k < 3; k++) for (let v = 0; v < 256; v++) t.table[(c * 3 + k) * 256 + v] = Math.round((1 - alpha) * v + alpha * VOC_PALETTE[c][k]);
  }
  const table = t.table;
  const r = c * 768;
  const g = r + 256;
  const b = r + 512;
  for (let o = 3 * from, end = 3 * to; o < end; o += 3) {
    out[o] = table[r + data[o]];
    out[o + 1] = table[g + data[o + 1]];
    out[o + 2] = table[b + data[o + 2]];
  }
}

const HALF_MASK = 0x7f7f7f7f;
/** The colour words below put a pixel's first byte lowest, as little-endian machines (x86, Arm) store them. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * α = ½ (the default): round(½·v + ½·c) is the average rounded up, (v | c) − ((v ^ c) >> 1) byte by byte, so four
 * bytes are blended in one 32-bit word (the mask keeps each byte's shifted bit out of its neighbour). Four pixels are
 * 12 bytes, three words whose colour bytes repeat: pixels before the first multiple of four and after the last are
 * blended one by one. ~4× faster than the table on a CamVid frame; the same bytes (tests check every pixel against
 * the formula).
 */
function blendRunHalf(
  out: Uint8Array,
  data: Uint8Array,
  words: { data: Uint32Array; out: Uint32Array },
  from: number,
  to: number,
  colour: readonly number[],
): void {
  const [r, g, b] = colour;
  const head = Math.min(to, (from + 3) & ~3);
  const stop = head + ((to - head) & ~3);
  for (let o = 3 * from; o < 3 * head; o += 3) {
    out[o] = (data[o] + r + 1) >> 1;
    out[o + 1] = (data[o + 1] + g + 1) >> 1;
    out[o + 2] = (data[o + 2] + b + 1) >> 1;
  }
  const w0 = r | (g << 8) | (b << 16) | (r << 24);
  const w1 = g | (b << 8) | (r << 16) | (g << 24);
  const w2 = b | (r << 8) | (g << 16) | (b << 24);
  const d = words.data;
  const q = words.out;
  for (let i = (3 * head) >> 2, end = (3 * stop) >> 2; i < end; i += 3) {
    let a = d[i];
    q[i] = (a | w0) - (((a ^ w0) >>> 1) & HALF_MASK);
    a = d[i + 1];
    q[i + 1] = (a | w1) - (((a ^ w1) >>> 1) & HALF_MASK);
    a = d[i + 2];
    q[i + 2] = (a | w2) - (((a ^ w2) >>> 1) & HALF_MASK);
  }
  for (let o = 3 * stop; o < 3 * to; o += 3) {
    out[o] = (data[o] + r + 1) >> 1;
    out[o + 1] = (data[o + 1] + g + 1) >> 1;
    out[o + 2] = (data[o + 2] + b + 1) >> 1;
  }
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

/** Longest side of an overlay by default: research datasets' images (COCO, VOC, Cityscapes, ...) keep their size. */
export const OVERLAY_MAX_SIDE = 2048;

/** The overlay's size for a width × height image: the image's own, or scaled to fit `maxSide` (0: no limit). */
export function overlaySize(width: number, height: number, maxSide = OVERLAY_MAX_SIDE): { width: number; height: number } {
  if (!(maxSide > 0) || Math.max(width, height) <= maxSide) return { width, height };
  const s = maxSide / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** A W × H map sampled at w × h, nearest (each pixel takes the map's value at its centre). */
export function sampleMap(map: Uint8Array, W: number, H: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  const col = new Int32Array(w);
  for (let x = 0; x < w; x++) col[x] = Math.min(W - 1, Math.floor(((x + 0.5) * W) / w));
  for (let y = 0; y < h; y++) {
    const row = Math.min(H - 1, Math.floor(((y + 0.5) * H) / h)) * W;
    for (let x = 0; x < w; x++) out[y * w + x] = map[row + col[x]];
  }
  return out;
}
