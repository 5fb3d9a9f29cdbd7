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

/** How `listImages` reads a folder. */
export interface ListImagesOptions {
  /** Told of what is left out: subfolders (unless `recursive`) and camera RAW files. */
  note?: (message: string) => void;
  /** Also the images in every subfolder, at any depth (not hidden ones, `.name`, nor NAS thumbnail folders, `@eaDir`). */
  recursive?: boolean;
}

/** Folders a recursive listing passes over: hidden ones, and the thumbnails Synology NAS keep beside photos. */
const isSkippedFolder = (name: string) => name.startsWith('.') || name === '@eaDir';

/**
 * Image files of a folder, sorted by path relative to it; a file path is taken as a one-image list. Subfolders (unless
 * `recursive`) and camera RAW files are not read; `note` is told of them (a photo library kept in one folder per year
 * would otherwise seem to be half done). Symbolic links to folders are not followed.
 */
export function listImages(path: string, options: ListImagesOptions = {}): string[] {
  const { note, recursive = false } = options;
  const abs = resolve(path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new AcsegError('BAD_INPUT', `${path} does not exist`, { file: abs, hint: 'give a folder of images (JPEG, PNG, WebP, HEIC, ...)' });
  }
  if (st.isFile()) return [abs];
  const files: string[] = [];
  const raws: string[] = [];
  const folders: string[] = [];
  // Relative paths with "/" (sorted as the shards sort them), walked without recursion on the stack.
  const pending = [''];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    for (const e of readdirSync(join(abs, rel), { withFileTypes: true })) {
      const name = rel ? `${rel}/${e.name}` : e.name;
      const ext = extname(e.name).toLowerCase();
      if (e.isDirectory()) {
        if (isSkippedFolder(e.name)) continue;
        if (recursive) pending.push(name);
        else folders.push(name);
      } else if (IMAGE_EXTENSIONS.has(ext)) files.push(name);
      else if (RAW_EXTENSIONS.has(ext)) raws.push(ext);
    }
  }
  if (raws.length > 0 && note) {
    const kinds = [...new Set(raws)].sort().join(', ');
    note(`${path}: ${raws.length} camera RAW file${raws.length === 1 ? '' : 's'} not read (${kinds}): export them as JPEG (or TIFF) to segment them`);
  }
  if (folders.length > 0 && note) {
    folders.sort();
    const named = folders.slice(0, 3).join(', ') + (folders.length > 3 ? ', ...' : '');
    note(
      `${path}: ${folders.length} subfolder${folders.length === 1 ? '' : 's'} not read (${named}): --images reads the images in one folder (--recursive: and in its subfolders)`,
    );
  }
  if (files.length === 0) {
    throw new AcsegError('BAD_INPUT', `${path} holds no images${recursive ? ' (nor do its subfolders)' : ''} (looked for ${[...IMAGE_EXTENSIONS].join(' ')})`, {
      file: abs,
    });
  }
  return files.sort().map((f) => join(abs, f));
}
