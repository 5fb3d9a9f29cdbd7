import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AcsegError } from '@acseg/core';

/**
 * Writes `data` to `path` atomically: to a temp file beside it, then
 * rename, so readers never see a half-written file and a crash leaves at
 * most a `.*.tmp` file (removed on any error we see). Creates the folder.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new AcsegError('BAD_INPUT', `${path}: cannot write (${e instanceof Error ? e.message : String(e)})`, { file: path, cause: e });
  }
}
