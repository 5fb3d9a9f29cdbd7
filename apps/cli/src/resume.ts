import { appendFile, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { AcsegError } from '@acseg/core';
import { join, resolve } from 'node:path';
import { writeFileAtomic, GalleryLog, galleryLine } from '@acseg/report';

/** The settings a run's outputs depend on (JSON), kept beside them so a rerun knows whether they still hold; no `.json` suffix, which is the per-image outputs'. */
export const RUN_FILE = '.acseg-run';

async function mtime(path: string | undefined): Promise<number> {
  if (!path) return 0;
  return stat(path).then(
    (s) => s.mtimeMs,
    () => Number.POSITIVE_INFINITY,
  );
}

/**
 * An output file's modification time, or +∞ when it is missing or empty: outputs are not flushed to disk unless
 * `--fsync`, and a power loss may leave a renamed file empty; that image is done again.
 */
async function outputTime(path: string): Promise<number> {
  return stat(path).then(
    (s) => (s.size > 0 ? s.mtimeMs : Number.POSITIVE_INFINITY),
    () => Number.POSITIVE_INFINITY,
  );
}

/** Newest modification time inside a checkpoint folder (or of a checkpoint file); 0 without one. */
async function checkpointTime(checkpoint: string | undefined): Promise<number> {
  if (!checkpoint) return 0;
  const names = ['', 'config.json', 'weights.safetensors'];
  const times = await Promise.all(
    names.map((n) =>
      stat(join(checkpoint, n)).then(
        (s) => s.mtimeMs,
        () => 0,
      ),
    ),
  );
  return Math.max(...times);
}

/** What an earlier run finished and a rerun keeps. */
export interface Finished {
  /** The inputs, as resolved paths. */
  sources: Set<string>;
  /** Their output ids (taken: new images are named around them). */
  ids: string[];
  /** A file holding their gallery records, when there are any: the run's record starts as it. */
  record?: string;
}

/**
 * The images an earlier run of the same settings into `out` finished: their
 * record is in `gallery.jsonl` and all their files are there, not empty, newer than the
 * input and the checkpoints (the generator's, a classifier's state file). Kept as they are; the rest is done again. A run
 * with other settings (or none recorded) finishes nothing: every image is done.
 */
export async function finishedEarlier(
  out: string,
  settings: Record<string, unknown>,
  inputs: readonly string[],
  checkpoints: string | readonly (string | undefined)[] = [],
): Promise<Finished> {
  const finished: Finished = { sources: new Set(), ids: [] };
  const recorded = await readFile(join(out, RUN_FILE), 'utf8').then(
    (t) => t,
    () => '',
  );
  if (recorded !== JSON.stringify(settings, null, 2)) return finished;
  const wanted = new Set(inputs.map((p) => resolve(p)));
  const since = Math.max(0, ...(await Promise.all((typeof checkpoints === 'string' ? [checkpoints] : checkpoints).map(checkpointTime))));
  // A page of records at a time, the kept ones copied to a file: a rerun after 90 000 finished images held all their
  // records for the whole run.
  const record = await (await GalleryLog.open(out)).index();
  const keptFile = join(out, KEPT_FILE);
  for (let from = 0; from < record.count; from += PAGE) {
    const lines: string[] = [];
    for (const item of await record.slice(from, from + PAGE)) {
      const source = resolve(item.source);
      if (!wanted.has(source)) continue;
      const newer = Math.max(await mtime(source), since);
      const files = [item.label, item.overlay, item.json, item.image].filter((f): f is string => !!f);
      const times = await Promise.all(files.map((f) => outputTime(f)));
      if (!times.every((t) => Number.isFinite(t) && t >= newer)) continue;
      finished.sources.add(source);
      finished.ids.push(item.id);
      lines.push(galleryLine(item));
    }
    if (!lines.length) continue;
    try {
      if (!finished.record) await writeFile((finished.record = keptFile), '');
      await appendFile(keptFile, lines.join(''));
    } catch (e) {
      await rm(keptFile, { force: true }).catch(() => undefined);
      throw new AcsegError('BAD_INPUT', `${keptFile}: cannot write (${(e as Error).message})`, { file: keptFile, cause: e });
    }
  }
  return finished;
}

/** Records read at a time. */
const PAGE = 500;

/** Where the kept images' records wait for the run's fresh `gallery.jsonl` (`RunWriter.open` moves it there). */
const KEPT_FILE = '.gallery-kept.jsonl';

/** Records the settings of the run now writing into `out`. */
export async function recordSettings(out: string, settings: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(join(out, RUN_FILE), JSON.stringify(settings, null, 2));
}
