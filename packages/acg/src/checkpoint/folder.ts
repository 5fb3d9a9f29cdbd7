import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKPOINT_FORMAT } from './checkpoint.js';

/**
 * The names a checkpoint folder may hold, from what writes it:
 * - saveCheckpoint (checkpoint.ts): config.json, weights.safetensors, optimizer.safetensors, each through
 *   write-file-atomic, whose temp file is `<name>.<uint32>` (left behind only by a killed process);
 * - trainWithRestarts (restarts.ts): restart-<r>/ (each a checkpoint folder as above), restarts.json, and the
 *   temp files of `promote`, `.<name>.<pid>.tmp`.
 * A tool that writes into a checkpoint folder (`acseg train --out`) uses this to tell a checkpoint it may continue
 * or replace from a folder of other files it must not touch. config.json is also read: another tool's config.json
 * (a model folder's, say) is not ours; ours is written atomically, so it is never partial.
 */
const FILES = ['config.json', 'weights.safetensors', 'optimizer.safetensors'];
const ROOT_FILES = [...FILES, 'restarts.json'];
const RESTART_DIR = /^restart-\d+$/;

async function isOurConfig(file: string): Promise<boolean> {
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as { format?: unknown }).format === CHECKPOINT_FORMAT;
  } catch {
    return false;
  }
}

function isFileEntry(name: string, root: boolean): boolean {
  const files = root ? ROOT_FILES : FILES;
  if (files.includes(name)) return true;
  const temp = /^(.+)\.\d+$/.exec(name) ?? /^\.(.+)\.\d+\.tmp$/.exec(name);
  return temp !== null && files.includes(temp[1]);
}

export interface CheckpointFolderContents {
  /** Entries that belong to a checkpoint (paths relative to the folder; restart folders end in '/'). */
  own: string[];
  /** Entries that do not (a file of another tool, a stray folder), relative paths. */
  foreign: string[];
}

/** Sorts a folder's entries into checkpoint entries and others, one level into restart-<r>/ folders. */
export async function checkpointFolderContents(dir: string): Promise<CheckpointFolderContents> {
  const out: CheckpointFolderContents = { own: [], foreign: [] };
  const scan = async (folder: string, prefix: string, root: boolean) => {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = `${prefix}${e.name}`;
      if (e.isFile() && isFileEntry(e.name, root) && (e.name !== 'config.json' || (await isOurConfig(join(folder, e.name))))) out.own.push(rel);
      else if (root && e.isDirectory() && RESTART_DIR.test(e.name)) {
        out.own.push(`${rel}/`);
        await scan(join(folder, e.name), `${rel}/`, false);
      } else out.foreign.push(e.isDirectory() ? `${rel}/` : rel);
    }
  };
  await scan(dir, '', true);
  return out;
}
