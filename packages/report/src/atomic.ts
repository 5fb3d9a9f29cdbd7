import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomicLib from 'write-file-atomic';
import { AcsegError } from '@acseg/core';

/**
 * Writes `data` to `path` atomically (npm's write-file-atomic: a temp file beside it, fsync, then rename), so
 * readers never see a half-written file and a crash leaves the old file intact. Creates the folder; failures are
 * BAD_INPUT errors naming the file.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomicLib(path, typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  } catch (e) {
    throw new AcsegError('BAD_INPUT', `${path}: cannot write (${e instanceof Error ? e.message : String(e)})`, { file: path, cause: e });
  }
}
