import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AcsegError } from '@acseg/core';

/** A folder's entries sorted into those a command writes itself and any others (relative paths, folders end in '/'). */
export type SortEntries = (dir: string) => Promise<{ own: string[]; foreign: string[] }>;

export interface OutFolder {
  path: string;
  /** Entries of an earlier run already there (empty for a new or empty folder). */
  own: string[];
}

function listed(names: readonly string[], max = 4): string {
  return names.length > max ? `${names.slice(0, max).join(', ')} and ${names.length - max} more` : names.join(', ');
}

/**
 * Checks an output folder before any work starts: a file is refused, and so is a folder holding anything the
 * command does not write itself (it would be mixed with, or overwrite, someone else's files). The folder is
 * created here, so that a place that cannot be written fails now rather than after the work.
 */
export async function prepareOutFolder(path: string, what: string, sort: SortEntries): Promise<OutFolder> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw new AcsegError('BAD_INPUT', `${path}: cannot read (${e.message})`, { file: path });
  });
  if (st && !st.isDirectory()) {
    throw new AcsegError('BAD_INPUT', `${path}: exists and is not a folder; --out names the ${what} folder`, {
      file: path,
      hint: `give a new folder (it is created) or the folder of an earlier ${what}`,
    });
  }
  if (!st) {
    await mkdir(path, { recursive: true }).catch((e: Error) => {
      throw new AcsegError('BAD_INPUT', `${path}: cannot create the folder (${e.message})`, { file: path });
    });
    return { path, own: [] };
  }
  const { own, foreign } = await sort(path);
  if (foreign.length) {
    throw new AcsegError('BAD_INPUT', `${path}: holds files that are not part of an ${what} (${listed(foreign)}); nothing was written`, {
      file: path,
      hint: 'give a new or empty folder for --out',
    });
  }
  return { path, own };
}

/** Deletes an earlier run's entries (those `prepareOutFolder` found), leaving the folder. */
export async function removeOwnEntries(folder: OutFolder): Promise<void> {
  for (const rel of folder.own) {
    await rm(join(folder.path, rel), { recursive: true, force: true });
  }
}
