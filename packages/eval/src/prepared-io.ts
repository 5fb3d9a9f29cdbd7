import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { AcsegError, type RegionDigest } from '@acseg/core';
import type { PreparedItem } from './prepared.js';
import { memoryPreparedStore, type PreparedStore } from './prepared-store.js';
import type { SkippedItem } from './report.js';

/**
 * A prepared split on disk (`acseg eval --shard`): one JSON line per item
 * (its region × class counts and digest; float and integer arrays as
 * base64 of their bytes, so they read back bit for bit), then a last line
 * with the skipped items. Lets shards prepare parts of a split and one
 * process evaluate them together, with the numbers of a single pass.
 */
export const PREPARED_FORMAT = 'acseg-prepared/1';

const b64 = (a: Float32Array | Uint32Array | Int32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function bytes(s: string): Uint8Array {
  const b = Buffer.from(s, 'base64');
  // A copy aligned for the typed array views.
  return new Uint8Array(b).slice();
}

/** A region digest as JSON: float and integer arrays as base64 of their bytes. */
export interface DigestJson {
  regionCount: number;
  background: boolean[];
  foreground: number[];
  embeddings: string[];
  dim: number;
  groundTruth?: string;
}

interface ItemLine {
  id: string;
  regionCount: number;
  classes: number;
  counts: string;
  digest?: DigestJson;
  /** Region class ids given by the classifier named in the header's `labelledBy` (255 = none). */
  ids?: string;
}

/** A digest as JSON that reads back bit for bit (`decodeDigest`). */
export function encodeDigest(d: RegionDigest): DigestJson {
  return {
    regionCount: d.regionCount,
    background: d.background,
    foreground: d.foreground,
    embeddings: d.embeddings.map(b64),
    dim: d.embeddings[0]?.length ?? 0,
    ...(d.groundTruth ? { groundTruth: b64(d.groundTruth) } : {}),
  };
}

export function decodeDigest(d: DigestJson): RegionDigest {
  const digest: RegionDigest = {
    regionCount: d.regionCount,
    background: d.background,
    foreground: d.foreground,
    embeddings: d.embeddings.map((e) => new Float32Array(bytes(e).buffer)),
  };
  if (d.groundTruth) digest.groundTruth = new Int32Array(bytes(d.groundTruth).buffer);
  return digest;
}

function toLine(it: PreparedItem): ItemLine {
  if (it.held)
    throw new AcsegError('BAD_CONFIG', `${it.id}: a prepared item holding its whole input cannot be written; only digesting classifiers can be sharded`);
  return {
    id: it.id,
    regionCount: it.counts.regionCount,
    classes: it.counts.classes,
    counts: b64(it.counts.counts),
    ...(it.digest ? { digest: encodeDigest(it.digest) } : {}),
    ...(it.ids ? { ids: Buffer.from(it.ids).toString('base64') } : {}),
  };
}

function fromLine(x: ItemLine): PreparedItem {
  const item: PreparedItem = { id: x.id, counts: { regionCount: x.regionCount, classes: x.classes, counts: new Uint32Array(bytes(x.counts).buffer) } };
  if (x.digest) item.digest = decodeDigest(x.digest);
  if (x.ids !== undefined) item.ids = bytes(x.ids);
  return item;
}

/**
 * Writes JSON lines to `file` atomically (a temp file beside it, renamed when complete): a header line first and a
 * trailer last, so a reader tells a cut file from a whole one. Streams: one line in memory at a time.
 */
export async function writeJsonLines(file: string, lines: Iterable<unknown> | AsyncIterable<unknown>): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  try {
    for await (const line of lines) if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    await rename(tmp, file);
  } catch (e) {
    out.destroy();
    await rm(tmp, { force: true });
    throw new AcsegError('BAD_INPUT', `${file}: cannot write (${(e as Error).message})`, { file });
  }
}

/** Writes items (an array, or a store read a chunk at a time) and the skipped list to `file` atomically. */
export async function writePreparedItems(
  file: string,
  header: { digestedBy?: string; labelledBy?: string },
  items: PreparedStore | readonly PreparedItem[],
  skipped: readonly SkippedItem[],
): Promise<void> {
  const store = Array.isArray(items) ? memoryPreparedStore([...(items as readonly PreparedItem[])]) : (items as PreparedStore);
  await writeJsonLines(
    file,
    (async function* () {
      yield {
        format: PREPARED_FORMAT,
        digestedBy: header.digestedBy ?? null,
        ...(header.labelledBy ? { labelledBy: header.labelledBy } : {}),
        items: store.length,
      };
      for await (const chunk of store.chunks(64)) for (const it of chunk) yield toLine(it);
      yield { skipped };
    })(),
  );
}

/**
 * Reads what `writePreparedItems` wrote, a line at a time, into `store` (default in memory); a file cut short or of
 * another format is an error naming it.
 */
export async function readPreparedItems(
  file: string,
  store: PreparedStore = memoryPreparedStore(),
): Promise<{ digestedBy?: string; labelledBy?: string; items: PreparedStore; skipped: SkippedItem[] }> {
  const bad = (problem: string) => new AcsegError('BAD_INPUT', `${file}: ${problem}`, { file, hint: 'run that shard again' });
  const parse = <T>(line: string): T => {
    try {
      return JSON.parse(line) as T;
    } catch {
      throw bad('not a prepared split (bad JSON)');
    }
  };
  type Head = { format?: string; digestedBy?: string | null; labelledBy?: string; items?: number } | null;
  let head: Head | undefined;
  // One line behind: the last one is the trailer, not an item.
  let previous: string | undefined;
  let lines = 0;
  const input = createReadStream(file, 'utf8');
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (!line) continue;
      lines++;
      if (!head) {
        head = parse<Head>(line);
        if (!head || head.format !== PREPARED_FORMAT) throw bad(`not a prepared split (format ${JSON.stringify(head?.format)}, expected "${PREPARED_FORMAT}")`);
        continue;
      }
      if (previous !== undefined) await store.add(fromLine(parse<ItemLine>(previous)));
      previous = line;
    }
  } catch (e) {
    await store.close();
    throw e instanceof AcsegError ? e : bad(`cannot read (${(e as Error).message})`);
  } finally {
    input.destroy();
  }
  // The store is closed (its files removed) before saying what is wrong.
  const refuse = async (problem: string): Promise<never> => {
    await store.close();
    throw bad(problem);
  };
  let tail: { skipped?: SkippedItem[] } | null | undefined;
  try {
    tail = previous === undefined ? undefined : (JSON.parse(previous) as typeof tail);
  } catch {
    return refuse('not a prepared split (bad JSON)');
  }
  if (!head) return refuse('not a prepared split (empty)');
  if (!tail || !Array.isArray(tail.skipped) || lines !== (head.items ?? -1) + 2) return refuse('cut short (fewer lines than it announces)');
  return { digestedBy: head.digestedBy ?? undefined, labelledBy: head.labelledBy, items: store, skipped: tail.skipped };
}
