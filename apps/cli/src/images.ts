import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { AcsegError } from '@acseg/core';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif', '.bmp']);

/** Image files of a folder (not recursive), sorted; a file path is taken as a one-image list. */
export function listImages(path: string): string[] {
  const abs = resolve(path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new AcsegError('BAD_INPUT', `${path} does not exist`, { file: abs, hint: 'give a folder of images (JPEG, PNG, WebP)' });
  }
  if (st.isFile()) return [abs];
  const files = readdirSync(abs)
    .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
    .sort()
    .map((f) => join(abs, f));
  if (files.length === 0) throw new AcsegError('BAD_INPUT', `${path} holds no images (looked for ${[...IMAGE_EXTENSIONS].join(' ')})`, { file: abs });
  return files;
}
