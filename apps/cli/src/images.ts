import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { AcsegError } from '@acseg/core';

/** What the decoder (@acseg/image-io) is given; BMP is listed so that a BMP file is named and refused, not passed over. */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif', '.heic', '.heif', '.bmp']);

/** Camera RAW files: photos, but not a format the decoder reads; named in a note rather than passed over in silence. */
const RAW_EXTENSIONS = new Set([
  '.cr2',
  '.cr3',
  '.crw',
  '.nef',
  '.nrw',
  '.arw',
  '.srf',
  '.sr2',
  '.dng',
  '.orf',
  '.rw2',
  '.raf',
  '.pef',
  '.srw',
  '.3fr',
  '.iiq',
]);

/**
 * Image files of a folder (not recursive), sorted; a file path is taken as a one-image list. Subfolders and camera
 * RAW files are not read; `note` is told of them (a photo library kept in one folder per year would otherwise seem
 * to be half done).
 */
export function listImages(path: string, note?: (message: string) => void): string[] {
  const abs = resolve(path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new AcsegError('BAD_INPUT', `${path} does not exist`, { file: abs, hint: 'give a folder of images (JPEG, PNG, WebP, HEIC, ...)' });
  }
  if (st.isFile()) return [abs];
  const entries = readdirSync(abs, { withFileTypes: true });
  const files = entries
    .filter((e) => !e.isDirectory() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort()
    .map((f) => join(abs, f));
  const folders = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const raws = entries.filter((e) => !e.isDirectory() && RAW_EXTENSIONS.has(extname(e.name).toLowerCase()));
  if (raws.length > 0 && note) {
    const kinds = [...new Set(raws.map((e) => extname(e.name).toLowerCase()))].sort().join(', ');
    note(`${path}: ${raws.length} camera RAW file${raws.length === 1 ? '' : 's'} not read (${kinds}): export them as JPEG (or TIFF) to segment them`);
  }
  if (folders.length > 0 && note) {
    const named = folders.slice(0, 3).join(', ') + (folders.length > 3 ? ', ...' : '');
    note(
      `${path}: ${folders.length} subfolder${folders.length === 1 ? '' : 's'} not read (${named}): --images reads the images in one folder, not in its subfolders`,
    );
  }
  if (files.length === 0) throw new AcsegError('BAD_INPUT', `${path} holds no images (looked for ${[...IMAGE_EXTENSIONS].join(' ')})`, { file: abs });
  return files;
}
