import type { ImageInput, RgbImage } from './image.js';

/** Per call of `ImageDecoder.decode`. */
export interface ImageDecodeOptions {
  /** Position in the input list, for the id of an in-memory image without one. */
  index?: number;
  /** Largest image accepted, in pixels (default: the decoder's `maxPixels`). */
  maxPixels?: number;
}

/**
 * The one image decoder of a run (`services.images`; `@acseg/image-io` provides it): every backbone, classifier and
 * report decodes through it, so all refuse the same files with the same words (`<file>: <problem>`, BAD_IMAGE).
 */
export interface ImageDecoder {
  /** The pixel limit applied when a call gives none (DEFAULT_MAX_PIXELS unless the host set another). */
  readonly maxPixels: number;
  /**
   * The file at full size, 8-bit sRGB, EXIF-rotated, alpha dropped, with its id and source; an image over the pixel
   * limit is refused from its header, before decoding. An RgbImage is checked and returned as is.
   */
  decode(image: ImageInput, options?: ImageDecodeOptions): Promise<RgbImage>;
  /** A file's size as `decode` gives it (after EXIF rotation), from its header only. */
  size(path: string): Promise<{ width: number; height: number }>;
}
