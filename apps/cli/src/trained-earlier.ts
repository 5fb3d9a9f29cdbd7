import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '@acseg/report';

/**
 * `.acseg-trained` in `--out`: what a `run`/`segment` that trained its generator on the images (no checkpoint given)
 * or fitted its classifier on them (k-means) left for a rerun of the same command: the checkpoint and the
 * classifier's state, with the fingerprint of the settings and inputs they were made from. A rerun with the same
 * fingerprint loads them rather than training and fitting again, so it keeps the images finished before
 * (`finishedEarlier`) and labels the rest in one pass with the same state: a run killed in its second pass goes on
 * where it stopped, with the files a run not stopped gives.
 */
export const TRAINED_FILE = '.acseg-trained';

interface TrainedRecord {
  fingerprint: string;
  /** Folder (or file) and the newest modification time of its files when recorded: changed since, not used. */
  checkpoint?: { path: string; mtimeMs: number };
  classifierState?: { path: string; mtimeMs: number };
}

/** What a rerun may load. */
export interface TrainedEarlier {
  checkpoint?: string;
  classifierState?: string;
}

/** Newest modification time of a file, or of the files in a folder; undefined when missing (or not given). */
export async function newestTime(path: string | undefined): Promise<number | undefined> {
  if (!path) return undefined;
  const s = await stat(path).catch(() => undefined);
  if (!s) return undefined;
  if (!s.isDirectory()) return s.mtimeMs;
  let t = s.mtimeMs;
  for (const e of await readdir(path, { withFileTypes: true })) {
    if (e.isFile()) t = Math.max(t, (await stat(join(path, e.name))).mtimeMs);
  }
  return t;
}

/**
 * The settings and every input (path, size, modification time) as one hash: an input added, removed or changed
 * since gives another, and the earlier training is not used.
 */
export async function runFingerprint(settings: Record<string, unknown>, inputs: readonly string[]): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(settings));
  const CHUNK = 256;
  for (let i = 0; i < inputs.length; i += CHUNK) {
    const part = inputs.slice(i, i + CHUNK).map((p) => resolve(p));
    const stats = await Promise.all(part.map((p) => stat(p).catch(() => undefined)));
    part.forEach((p, j) => hash.update(`\n${p}\t${stats[j]?.size ?? -1}\t${stats[j]?.mtimeMs ?? -1}`));
  }
  return hash.digest('hex');
}

async function readRecord(out: string): Promise<TrainedRecord | undefined> {
  try {
    const r = JSON.parse(await readFile(join(out, TRAINED_FILE), 'utf8')) as TrainedRecord;
    return typeof r?.fingerprint === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

/** The checkpoint and classifier state an earlier run with this fingerprint recorded, where they are unchanged since. */
export async function trainedEarlier(out: string, fingerprint: string): Promise<TrainedEarlier> {
  const r = await readRecord(out);
  if (!r || r.fingerprint !== fingerprint) return {};
  const unchanged = async (e: TrainedRecord['checkpoint']) => (e && (await newestTime(resolve(out, e.path))) === e.mtimeMs ? resolve(out, e.path) : undefined);
  const checkpoint = await unchanged(r.checkpoint);
  const classifierState = await unchanged(r.classifierState);
  return { ...(checkpoint ? { checkpoint } : {}), ...(classifierState ? { classifierState } : {}) };
}

/** Forgets what was recorded: a training is about to replace the checkpoint. */
export async function forgetTrained(out: string): Promise<void> {
  await rm(join(out, TRAINED_FILE), { force: true });
}

/** Records the checkpoint (or, after it, the classifier's state) made by the run with this fingerprint. */
export async function markTrained(out: string, fingerprint: string, made: TrainedEarlier): Promise<void> {
  const earlier = await readRecord(out);
  const record: TrainedRecord = earlier?.fingerprint === fingerprint ? earlier : { fingerprint };
  for (const key of ['checkpoint', 'classifierState'] as const) {
    const path = made[key];
    if (!path) continue;
    const mtimeMs = await newestTime(path);
    if (mtimeMs !== undefined) record[key] = { path: relativeTo(out, path), mtimeMs };
  }
  await writeFileAtomic(join(out, TRAINED_FILE), JSON.stringify(record, null, 2));
}

/** Inside `out`: relative (the folder may be moved); elsewhere: absolute. */
function relativeTo(out: string, path: string): string {
  const rel = relative(resolve(out), resolve(path));
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : resolve(path);
}
