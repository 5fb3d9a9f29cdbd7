/** A decoded image: 8-bit RGB, interleaved, row-major (3 × width × height bytes). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
  /** A stable name used in outputs and error messages (file name without folder, or a caller's id). */
  id?: string;
  /** The file it was decoded from (`Backbone.decode`), so messages and outputs still name the file. */
  source?: string;
  /**
   * The file's own bytes, when it is a small JPEG (at most 256 KiB, grey or colour) decoded to these pixels as a
   * browser shows it (EXIF orientation applied, no resize): what a gallery may show as is instead of a re-encoded copy.
   */
  jpeg?: Uint8Array;
}

/** What a backbone accepts: a path to an image file, or a decoded image. */
export type ImageInput = string | RgbImage;

export function isRgbImage(x: unknown): x is RgbImage {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as RgbImage;
  return Number.isInteger(r.width) && Number.isInteger(r.height) && r.data instanceof Uint8Array && r.data.length === r.width * r.height * 3;
}

/** The id an input is known by in outputs: the file's base name without extension, or the image's id. */
export function imageId(input: ImageInput, index = 0): string {
  if (typeof input === 'string') {
    const base = input.split(/[\\/]/).pop() ?? input;
    const dot = base.lastIndexOf('.');
    return dot > 0 ? base.slice(0, dot) : base;
  }
  return input.id ?? `image-${index}`;
}

/** For error messages: the path, or the id of an in-memory image. */
export function imageSource(input: ImageInput, index = 0): string {
  if (typeof input === 'string') return input;
  return input.source ?? `<image ${input.id ?? index}>`;
}
