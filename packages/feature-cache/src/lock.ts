import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AcsegError } from '@acseg/core';

export const LOCK_FILE = '.writer.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the cache folder's writer lock (a file created exclusively, holding
 * the writer's pid), so two runs never append to one cache at once. A lock
 * left by a process that no longer exists is taken over.
 */
export async function lockCache(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx');
      try {
        await fh.writeFile(String(process.pid));
      } finally {
        await fh.close();
      }
      return () => rm(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new AcsegError('BAD_INPUT', `${dir}: another run (process ${pid}) is writing this feature cache`, {
          file: dir,
          hint: `wait for it to finish, or delete ${file} if that process is not an acseg run`,
        });
      }
      if (pid === process.pid) {
        throw new AcsegError('BAD_INPUT', `${dir}: this process is already writing this feature cache`, { file: dir });
      }
      await rm(file, { force: true }); // stale: its writer is gone
    }
  }
  throw new AcsegError('BAD_INPUT', `${dir}: cannot take the writer lock ${file}`, { file });
}
