import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AcsegError } from './errors.js';

/** Whether anything stands at `path` (a stat that fails, e.g. ENOENT, means no). */
export function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Nothing silently overwritten: `out` already holding `file` (`what`: what that file means) is a BAD_INPUT error. */
export async function refuseOverwrite(out: string, file: string, what: string, hint: string): Promise<void> {
  const path = join(out, file);
  if (await pathExists(path)) throw new AcsegError('BAD_INPUT', `${out} already holds ${what} (${file}); not overwriting it`, { file: path, hint });
}
