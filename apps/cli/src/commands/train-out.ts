import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AcsegError } from '@acseg/core';
import { checkpointFolderContents } from '@acseg/acg';
import { prepareOutFolder, removeOwnEntries } from '../out-dir.js';

/** How far the checkpoint in `dir` got, for messages ("iteration 500 of 2500"). */
export async function describeProgress(dir: string): Promise<string> {
  try {
    const json = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { training?: { iteration?: unknown; iterations?: unknown } };
    const t = json.training;
    if (t && typeof t.iteration === 'number') return `iteration ${t.iteration}${typeof t.iterations === 'number' ? ` of ${t.iterations}` : ''}`;
    return 'no training state';
  } catch {
    return 'unfinished';
  }
}

/** `--resume` must name a folder with a checkpoint in it (a multi-run may have only its restart-<r>/ folders yet). */
async function checkResumable(dir: string): Promise<void> {
  const own = await checkpointFolderContents(dir).then(
    (c) => c.own,
    (e: NodeJS.ErrnoException) => e.code ?? 'unreadable',
  );
  if (typeof own === 'string' || !own.some((e) => e === 'config.json' || /^restart-\d+\/config\.json$/.test(e))) {
    const problem = own === 'ENOENT' ? 'does not exist' : typeof own === 'string' ? `is not a readable folder (${own})` : 'holds no acseg checkpoint';
    throw new AcsegError('BAD_INPUT', `${dir}: ${problem}; --resume has nothing to continue`, {
      file: dir,
      hint: 'leave out --resume to start a new run',
    });
  }
}

/**
 * `acseg train --out`: a new or empty folder, or a checkpoint folder that this run continues (`--resume` names it)
 * or replaces (`--force`; `replace` deletes the old checkpoint's files, called once the features are ready).
 * Anything else is refused here, before features are computed.
 */
export async function checkTrainOut(out: string, resume: string | undefined, force: boolean): Promise<{ replace?: () => Promise<void> }> {
  if (resume !== undefined) await checkResumable(resume);
  const folder = await prepareOutFolder(out, 'acseg checkpoint', checkpointFolderContents);
  if (folder.own.length === 0) return {};
  if (resume !== undefined && resolve(resume) === resolve(out)) return {};
  if (force) return { replace: () => removeOwnEntries(folder) };
  const other = resume !== undefined;
  throw new AcsegError(
    'BAD_INPUT',
    `${out}: already holds an acseg checkpoint (${await describeProgress(out)}); training ${other ? `from ${resume} ` : ''}into it would overwrite it`,
    {
      file: out,
      hint: other ? 'give another --out, or add --force to replace this checkpoint' : 'add --resume to continue it, or --force to start over (replacing it)',
    },
  );
}
