import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { AcsegError } from '@acseg/core';

/** What the decoder reads (sharp/libvips); the hint for a file it cannot read. */
export const SUPPORTED_FORMATS = 'JPEG, PNG, WebP, GIF, TIFF, AVIF, HEIC';

/** The first line of an error's message (libvips appends its own lines). */
export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** The one shape of an image error: "<file>: <problem>", code BAD_IMAGE, naming the file. */
export function imageError(source: string, problem: string, options: { file?: string; hint?: string; cause?: unknown } = {}): AcsegError {
  return new AcsegError('BAD_IMAGE', `${source}: ${problem}`, { file: options.file ?? source, hint: options.hint, cause: options.cause });
}

/**
 * Why a file's header could not be read, said as the user would: it does not exist, is empty, or is not an image
 * (an empty file is "unsupported format" to libvips, which misleads).
 */
export function unreadableImage(path: string, cause: unknown): AcsegError {
  let size: number | undefined;
  try {
    const st = statSync(path);
    size = st.isFile() ? st.size : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return imageError(path, 'the file does not exist', { cause });
  }
  if (size === 0) return imageError(path, 'the file is empty (0 bytes)', { cause });
  if (size !== undefined && isBmp(path)) {
    return imageError(path, 'a BMP image, a format the decoder (libvips) does not read', {
      hint: `convert it to PNG; supported formats: ${SUPPORTED_FORMATS}`,
      cause,
    });
  }
  return imageError(path, `not a readable image (${firstLine(cause)})`, { hint: `supported formats: ${SUPPORTED_FORMATS}`, cause });
}

/** The sizes of the DIB headers BMP files use (core, V1-V5, OS/2 2): with "BM", what tells a BMP from a text. */
const BMP_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

/** Whether the file starts as a BMP does (false when it cannot be read). */
function isBmp(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(18);
    return readSync(fd, head, 0, 18, 0) === 18 && head.toString('latin1', 0, 2) === 'BM' && BMP_HEADER_SIZES.has(head.readUInt32LE(14));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * libvips keeps one error buffer for all its threads, and another thread's call may clear it between the error and
 * sharp reading it: the message then ends at its prefix ("Input buffer has corrupt header:"), without libvips' words.
 * Such a failure is tried again (up to twice, sequentially) for a message that says what is wrong; the first error
 * with words, else the last, is returned. `again` failing differently is fine: any worded error of that file will do.
 */
export async function withLibvipsDetail(e: unknown, again: () => Promise<unknown>): Promise<unknown> {
  for (let i = 0; i < 2 && !hasDetail(e); i++) {
    try {
      await again();
      return e;
    } catch (retried) {
      e = retried;
    }
  }
  return e;
}

/** Whether an error's first line says more than a prefix ending in ":". */
function hasDetail(e: unknown): boolean {
  return !/:\s*$/.test(firstLine(e));
}

/** A file whose header reads but whose pixels do not (cut short, damaged). */
export function undecodableImage(source: string, cause: unknown, file?: string): AcsegError {
  return imageError(source, `cannot decode the image (${firstLine(cause)})`, { file, hint: 'the file may be truncated or corrupt', cause });
}

/** The one wording for an image a backbone cannot read: smaller than one of its patches. */
export function checkPatchSize(source: string, width: number, height: number, patch: number, file?: string): void {
  if (width >= patch && height >= patch) return;
  throw imageError(source, `the image is ${width}×${height}, smaller than one ${patch}×${patch} patch`, {
    file,
    hint: `use images at least ${patch} px wide and high`,
  });
}
