import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AcsegError } from '@acseg/core';

/**
 * Checks, before any work, that `path` can be an output folder: an existing folder this process may write in,
 * or a path whose nearest existing parent is one (the folder is created later). Anything else is one AcsegError
 * naming the flag and the path, instead of a raw ENOTDIR/EEXIST once the work is done. Returns the absolute path.
 */
export function checkOutDir(path: string, flag = '--out'): string {
  const abs = resolve(path);
  for (let p = abs; ; p = dirname(p)) {
    let st: Stats;
    try {
      st = statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Missing (or under a file, which the next step up finds): look at the parent.
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(p) !== p) continue;
      throw new AcsegError('BAD_INPUT', `${flag} ${path}: cannot use ${p} (${code ?? (e as Error).message})`, { file: p });
    }
    if (!st.isDirectory()) {
      const what = p === abs ? 'is a file, not a folder' : `cannot be created: ${p} is a file`;
      throw new AcsegError('BAD_INPUT', `${flag} ${path} ${what}`, { file: p, hint: `give a folder for the outputs (it is created when missing)` });
    }
    try {
      accessSync(p, constants.W_OK | constants.X_OK);
    } catch {
      throw new AcsegError('BAD_INPUT', `${flag} ${path}: no permission to write in ${p}`, { file: p, hint: 'give a folder you can write in' });
    }
    return abs;
  }
}
