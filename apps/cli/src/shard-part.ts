import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AcsegError, pathExists } from '@acseg/core';
import { writeFileAtomic } from '@acseg/report';
import type { Shard } from './shard.js';

/** The record in each part folder saying which shard of which job it holds. */
export const PART_FILE = '.acseg-shard.json';
export const PART_FORMAT = 'acseg-shard';

export type PartKind = 'features' | 'segment' | 'run' | 'eval' | 'fit';

export interface PartRecord {
  format: typeof PART_FORMAT;
  kind: PartKind;
  shard: number;
  of: number;
  /** Images of this shard's list. */
  images: number;
  /** Images of the whole list. */
  total: number;
  /** SHA-256 of the whole sorted list of relative paths: parts of different image lists (or splits) differ here. */
  list: string;
  /** What the list is, for messages: `--images photos`, `--dataset camvid --split val`. */
  input: string;
  /** The settings the outputs depend on; every part of one job has the same. */
  settings: Record<string, unknown>;
}

/** `part-0002-of-0004`: a folder name that sorts in shard order. */
export function partName(s: Pick<Shard, 'index' | 'count'>): string {
  const w = Math.max(4, String(s.count).length);
  return `part-${String(s.index).padStart(w, '0')}-of-${String(s.count).padStart(w, '0')}`;
}

export function listDigest(relativePaths: readonly string[]): string {
  return createHash('sha256')
    .update([...relativePaths].join('\n'))
    .digest('hex');
}

function usage(message: string, hint?: string): AcsegError {
  return new AcsegError('BAD_CONFIG', message, { hint });
}

/** The first field two records differ in, as "a ≠ b", or null. */
function difference(a: PartRecord, b: PartRecord): string | null {
  if (a.kind !== b.kind) return `${a.kind} ≠ ${b.kind} outputs`;
  if (a.of !== b.of) return `${a.of} ≠ ${b.of} shards`;
  if (a.list !== b.list) return `image list ${a.input} (${a.total} images) ≠ ${b.input} (${b.total} images)`;
  for (const k of new Set([...Object.keys(a.settings), ...Object.keys(b.settings)])) {
    const x = JSON.stringify(a.settings[k] ?? null);
    const y = JSON.stringify(b.settings[k] ?? null);
    if (x !== y) return `${k} ${x} ≠ ${y}`;
  }
  return null;
}

/**
 * Makes (or reopens) a shard's part folder and records what it holds. A
 * retried task finds its own record and goes on; a folder holding a part of
 * another job (other list, shard count or settings) is refused before any
 * work, since mixing them would merge into nonsense.
 */
export async function openPart(dir: string, record: Omit<PartRecord, 'format'>): Promise<void> {
  const rec: PartRecord = { format: PART_FORMAT, ...record };
  const file = join(dir, PART_FILE);
  const held = await readFile(file, 'utf8').then(
    (t) => t,
    () => null,
  );
  if (held !== null) {
    const diff = difference(parseRecord(held, file), rec);
    if (diff) {
      throw usage(`${dir} holds shard ${rec.shard}/${rec.of} of another job (${diff})`, 'give another --out, or delete that folder to start the shard again');
    }
    if (held === JSON.stringify(rec, null, 2)) return;
  }
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(file, JSON.stringify(rec, null, 2));
}

function parseRecord(text: string, file: string): PartRecord {
  let x: Partial<PartRecord>;
  try {
    x = JSON.parse(text) as Partial<PartRecord>;
  } catch {
    throw new AcsegError('BAD_INPUT', `${file}: not valid JSON; the shard record is damaged`, { file, hint: 'run that shard again' });
  }
  const ok =
    x &&
    x.format === PART_FORMAT &&
    typeof x.kind === 'string' &&
    Number.isInteger(x.shard) &&
    Number.isInteger(x.of) &&
    Number.isInteger(x.images) &&
    Number.isInteger(x.total) &&
    typeof x.list === 'string' &&
    typeof x.settings === 'object';
  if (!ok) throw new AcsegError('BAD_INPUT', `${file}: not an acseg shard record`, { file });
  return x as PartRecord;
}

export interface Part {
  dir: string;
  record: PartRecord;
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** The parts named: each input is a part folder, or a folder holding `part-*` folders (an `--out` of a sharded job). */
export async function findParts(inputs: readonly string[]): Promise<Part[]> {
  const parts: Part[] = [];
  for (const input of inputs) {
    const dir = resolve(input);
    if (!(await isDir(dir))) throw usage(`${input}: not a folder`, 'give the --out folder of the sharded job, or its part-* folders');
    const own = join(dir, PART_FILE);
    if (await pathExists(own)) {
      parts.push({ dir, record: parseRecord(await readFile(own, 'utf8'), own) });
      continue;
    }
    const inside = (await readdir(dir)).filter((n) => /^part-\d+-of-\d+$/.test(n)).sort();
    if (!inside.length)
      throw usage(`${input} holds no shard parts (no ${PART_FILE}, no part-*-of-* folders)`, 'give the --out folder a job with --shard wrote');
    for (const n of inside) {
      const f = join(dir, n, PART_FILE);
      const text = await readFile(f, 'utf8').catch(() => {
        throw usage(`${join(dir, n)}: has no ${PART_FILE}; its task never started`, 'run that shard again');
      });
      parts.push({ dir: join(dir, n), record: parseRecord(text, f) });
    }
  }
  return parts;
}

/**
 * Checks that the parts are exactly the shards 0..N-1 of one job (same
 * kind, list and settings; none missing, none twice) and returns them in
 * shard order. Every problem is a usage error naming the parts involved.
 */
export function checkParts(parts: readonly Part[]): Part[] {
  if (!parts.length) throw usage('nothing to merge');
  const first = parts[0];
  for (const p of parts.slice(1)) {
    const diff = difference(p.record, first.record);
    if (diff) throw usage(`${p.dir} and ${first.dir} are parts of different jobs (${diff}); cannot merge them`);
  }
  const bySlot = new Map<number, Part>();
  for (const p of parts) {
    const twice = bySlot.get(p.record.shard);
    if (twice) throw usage(`shard ${p.record.shard}/${p.record.of} is given twice: ${twice.dir} and ${p.dir}`, 'give each shard once');
    bySlot.set(p.record.shard, p);
  }
  const missing = Array.from({ length: first.record.of }, (_, i) => i).filter((i) => !bySlot.has(i));
  if (missing.length) {
    throw usage(
      `shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${first.record.of} ${missing.length > 1 ? 'are' : 'is'} missing (found ${[...bySlot.keys()].sort((a, b) => a - b).join(', ')})`,
      'run the missing array tasks (or wait for them) and merge again',
    );
  }
  return [...bySlot.values()].sort((a, b) => a.record.shard - b.record.shard);
}
