import { closeSync, fsync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AcsegError } from '@acseg/core';

/** Folders this process has made (or found) for its writes; bounded by the folders a run writes into. */
const made = new Set<string>();
let temps = 0;

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // The write's own error is the one to report.
  }
}

function fsyncAsync(fd: number): Promise<void> {
  return new Promise((done, fail) => fsync(fd, (e) => (e ? fail(e) : done())));
}

/**
 * Temp file beside the target, written whole and flushed to disk, then renamed over it (core's `writeViaTemp`
 * protocol). Open, write, close and rename are synchronous calls (page-cache work, microseconds): as promises each is
 * a round trip through libuv's four threads, where they queued behind image decodes; only the flush to disk waits
 * off the thread.
 */
async function writeThenRename(path: string, data: string | Uint8Array, flush: boolean): Promise<void> {
  const tmp = `${path}.${process.pid}.${temps++}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    if (flush) await fsyncAsync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeQuietly(fd);
    try {
      rmSync(tmp, { force: true });
    } catch {
      // As above: the write's error says what went wrong.
    }
    throw e;
  }
}

export interface WriteOptions {
  /**
   * Flush the file to disk before it is renamed into place (default true). Without, the rename is as atomic for
   * other processes and after acseg is killed (the page cache keeps the whole file), but a power loss or an OS crash
   * may leave the file empty; a run's per-image outputs skip the flush unless asked (`--fsync`): five flushes an
   * image cost more CPU than any other output work but the overlay's encoding, and wait on the disk (on NFS a round
   * trip each).
   */
  flush?: boolean;
}

/**
 * Writes `data` to `path` atomically (a temp file beside it, fsync, then rename), so readers never see a
 * half-written file and a crash leaves the old file intact. Creates the folder; failures are BAD_INPUT errors naming
 * the file. Five system calls a file: npm's write-file-atomic, used before, also resolves the path's symlinks and
 * copies an existing file's mode and owner (about fourteen calls), a third of the output workers' time in a run.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
  const flush = options.flush ?? true;
  const dir = dirname(path);
  try {
    // A run writes thousands of files into a few folders: each is made once, not before every file (again if it went).
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
    }
    await writeThenRename(path, data, flush).catch(async (e: unknown) => {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await mkdir(dir, { recursive: true });
      await writeThenRename(path, data, flush);
    });
  } catch (e) {
    throw new AcsegError('BAD_INPUT', `${path}: cannot write (${e instanceof Error ? e.message : String(e)})`, { file: path, cause: e });
  }
}
