import { AcsegError, checkImagePixels, imageId, imageSource, isRgbImage, resolveMaxPixels, type ImageInput, type RgbImage } from '@acseg/core';
import { readFile, stat } from 'node:fs/promises';
import { imageError, undecodableImage, unreadableImage, withLibvipsDetail } from './errors.js';
import { decodeHeic } from './heic.js';
import { jpegComponents } from './jpeg-header.js';
import { resizeRgb, type ResizeKernel } from './resize.js';
import { sharpLib } from './sharp.js';

export interface DecodeOptions {
  /** Position in the input list, for the id of an in-memory image without one. */
  index?: number;
  /** Largest image accepted, in pixels (default: `$ACSEG_MAX_PIXELS`, else core's DEFAULT_MAX_PIXELS, 64 MP). */
  maxPixels?: number;
  /**
   * Apply the EXIF orientation (default true). False keeps the stored pixel order, for datasets whose label maps are
   * stored that way (COCO-Stuff).
   */
  autoOrient?: boolean;
  /**
   * Stretch to this size in the same libvips pipeline as the decode. From a file this is not bit-identical to
   * decoding then `resizeRgb` (libvips resamples the file's lines as they are read); for preprocessing whose numbers
   * were defined that way (COCO-Stuff's short-side resize). The pixel limit applies to the file's own size.
   */
  resize?: { width: number; height: number; kernel: ResizeKernel };
}

/**
 * A file's size as `decodeImage` gives it (EXIF orientations 5-8 swap width and height), from its header only:
 * cheap enough for 100 000 images. Throws the decoder's BAD_IMAGE for a missing, empty or foreign file.
 */
export async function readImageSize(path: string, options: { autoOrient?: boolean } = {}): Promise<{ width: number; height: number }> {
  const { width, height } = await readHeader(path, path, options);
  return { width, height };
}

/**
 * The header's size (of `bytes`: the file read once, or its path), and whether the pixels are HEVC in HEIF (HEIC), which
 * libvips reads the header of but not the pixels; for those, the ICC profile the file embeds, if any.
 */
async function readHeader(
  path: string,
  bytes: string | Buffer,
  options: { autoOrient?: boolean },
): Promise<{ width: number; height: number; hevc: boolean; icc?: Buffer }> {
  const sharp = await sharpLib();
  const header = () => sharp(bytes, { failOn: 'truncated', limitInputPixels: false }).metadata();
  let meta: Awaited<ReturnType<typeof header>>;
  try {
    meta = await header();
  } catch (e) {
    throw unreadableImage(path, await withLibvipsDetail(e, header));
  }
  if (!meta.width || !meta.height) throw imageError(path, 'not a readable image (no size in the header)');
  const hevc = meta.format === 'heif' && meta.compression === 'hevc';
  const icc = hevc ? meta.icc : undefined;
  return options.autoOrient !== false && (meta.orientation ?? 1) >= 5
    ? { width: meta.height, height: meta.width, hevc, icc }
    : { width: meta.width, height: meta.height, hevc, icc };
}

/**
 * The one decode: an image file (JPEG, PNG, WebP, HEIC, ...) at full size as 8-bit sRGB, EXIF orientation applied, alpha
 * dropped; grey, CMYK and 16-bit images are converted. An image over `maxPixels` is refused from its header, before
 * any pixel is decoded. An RgbImage is checked (BAD_INPUT when malformed, the pixel limit) and returned as is.
 */
export async function decodeImage(input: ImageInput, options: DecodeOptions = {}): Promise<RgbImage> {
  const index = options.index ?? 0;
  const source = imageSource(input, index);
  const maxPixels = options.maxPixels ?? resolveMaxPixels(undefined);
  if (typeof input !== 'string') {
    if (!isRgbImage(input)) {
      throw new AcsegError('BAD_INPUT', `${source}: not an 8-bit RGB image (expected { width, height, data: Uint8Array of 3·width·height bytes })`, {
        file: (input as { source?: string }).source,
      });
    }
    checkImagePixels(source, input.width, input.height, maxPixels, input.source);
    const r = options.resize;
    return r ? resizeRgb(input, r.width, r.height, r.kernel) : input;
  }
  const autoOrient = options.autoOrient !== false;
  const bytes = await readSmallFile(input);
  const sharp = await sharpLib();
  // libvips refuses an image over the limit from its header, before any pixel is decoded (and while decoding, in
  // case the header understates the size); the header is read on its own only to explain a failure below: a
  // separate metadata call for every image cost ~0.8 ms of CPU, a sixth of decoding a 480×360 JPEG.
  const pixels = () => {
    let pipeline = sharp(bytes, { failOn: 'truncated', limitInputPixels: maxPixels });
    if (autoOrient) pipeline = pipeline.rotate();
    const r = options.resize;
    if (r) pipeline = pipeline.resize(r.width, r.height, { fit: 'fill', kernel: r.kernel });
    return pipeline.toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  };
  try {
    const r = options.resize;
    const { data, info } = await pixels();
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
      throw new Error(`decoded to ${info.channels} channels and ${data.length} bytes, expected 8-bit RGB`);
    }
    const image: RgbImage = {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      id: imageId(input, index),
      source,
    };
    // A small grey or colour JPEG decoded as a browser shows it (EXIF-rotated, not resized) keeps its bytes: a gallery
    // can show the file itself rather than encode a copy of it (RgbImage.jpeg). Not CMYK, which browsers may show
    // otherwise than libvips' conversion.
    if (autoOrient && !r && typeof bytes !== 'string' && bytes.length <= SHOWN_AS_IS_BYTES) {
      const components = jpegComponents(bytes);
      if (components === 1 || components === 3) image.jpeg = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    }
    return image;
  } catch (e) {
    // Worded as when the header was read first: a file that is missing, empty or no image; one over the limit; else
    // pixels that do not decode. A HEIC photo lands here too (libvips has no HEVC decoder) and is decoded by libheif.
    const { width, height, hevc, icc } = await readHeader(input, bytes, { autoOrient });
    checkImagePixels(source, width, height, maxPixels, input);
    if (hevc) {
      const image = await decodeHeic(input, bytes, index, source, icc);
      const r = options.resize;
      return r ? resizeRgb(image, r.width, r.height, r.kernel) : image;
    }
    throw undecodableImage(source, await withLibvipsDetail(e, pixels), input);
  }
}

/** JPEG files up to this size keep their bytes with their pixels (RgbImage.jpeg). */
const SHOWN_AS_IS_BYTES = 256 * 1024;

/** Files up to this size are read once, for the header and the pixels; larger ones are left to libvips to stream. */
const READ_ONCE_BYTES = 32 * 1024 * 1024;

/**
 * The file's bytes when it is small enough to hold (libvips then parses one buffer: ~1.5 ms less a photo than opening
 * the file twice, for the header and for the pixels), else its path. Anything but a readable regular file is left to
 * the path, so that its error is worded as before.
 */
async function readSmallFile(path: string): Promise<string | Buffer> {
  try {
    const st = await stat(path);
    return st.isFile() && st.size > 0 && st.size <= READ_ONCE_BYTES ? await readFile(path) : path;
  } catch {
    return path;
  }
}
