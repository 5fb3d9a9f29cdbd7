import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AcsegError, writeViaTemp } from '@acseg/core';

/** Folders this process has made (or found) for its writes; bounded by the folders a run writes into. */
const made = new Set<string>();
let temps = 0;

/** Temp file beside the target, written whole and flushed to disk, then renamed over it. */
function writeThenRename(path: string, data: string | Uint8Array): Promise<void> {
  return writeViaTemp(path, `${path}.${process.pid}.${temps++}.tmp`, (fh) => fh.writeFile(data), 'wx');
}

/**
 * Writes `data` to `path` atomically (a temp file beside it, fsync, then rename), so readers never see a
 * half-written file and a crash leaves the old file intact. Creates the folder; failures are BAD_INPUT errors naming
 * the file. Five system calls a file: npm's write-file-atomic, used before, also resolves the path's symlinks and
 * copies an existing file's mode and owner (about fourteen calls), a third of the output workers' time in a run.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  try {
    // A run writes thousands of files into a few folders: each is made once, not before every file (again if it went).
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
    }
    await writeThenRename(path, data).catch(async (e: unknown) => {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await mkdir(dir, { recursive: true });
      await writeThenRename(path, data);
    });
  } catch (e) {
    throw new AcsegError('BAD_INPUT', `${path}: cannot write (${e instanceof Error ? e.message : String(e)})`, { file: path, cause: e });
  }
}
