import { open, rename, rm, type FileHandle } from 'node:fs/promises';

/**
 * The atomic-write protocol every writer of the tree shares: `fill` writes the temp file `tmp` (beside `path`, so the
 * rename stays on one file system), which is synced, closed and renamed over `path`; on any failure it is removed and
 * the error rethrown, so readers see the old file or the whole new one, never a half. `flags`: 'wx' where a temp name
 * must not be reused.
 */
export async function writeViaTemp(path: string, tmp: string, fill: (fh: FileHandle) => Promise<void>, flags = 'w'): Promise<void> {
  try {
    const fh = await open(tmp, flags);
    try {
      await fill(fh);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
