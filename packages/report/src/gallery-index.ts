import { readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AcsegError } from '@acseg/core';
import type { GalleryItem, SkippedFile } from './gallery.js';

/** One line of `gallery.jsonl`. */
export type GalleryLine = { item: GalleryItem } | { skipped: SkippedFile };

/** Images in an order, read a page at a time: what `writeGallery` pages through. */
export interface GalleryItems {
  readonly count: number;
  /** Class ids any of the images holds, ascending. */
  readonly classIds: readonly number[];
  /** The images `from` (inclusive) to `to` (exclusive), in order. */
  slice(from: number, to: number): Promise<GalleryItem[]>;
}

/** A gallery record (`gallery.jsonl`) indexed in an order: see `indexGalleryLog`. */
export interface GalleryLogIndex extends GalleryItems {
  /** Files skipped and not segmented by a later record, in the order of their last skip. */
  readonly skipped: SkippedFile[];
  /**
   * The class names the images' records carry, index = class id (`class <i>` where none is given), the last image in
   * order winning where two name one id; undefined when no record names a class.
   */
  readonly classNames: string[] | undefined;
}

/**
 * `id`: each image's last record, by image id (what `GalleryLog.read` gives); `source`: the same by input path, then
 * id; `file`: every record of an image as it is, in the file's order (a merged record, whose parts may share ids).
 */
export type GalleryOrder = 'id' | 'source' | 'file';

/** Bytes read from the record at a time. */
const CHUNK = 1 << 20;
/** `slice` reads records in one call when less than this lies between them, and at most SPAN bytes a call. */
const SPAN_GAP = 64 << 10;
const SPAN = 8 << 20;

/**
 * Each line of the file with its byte offset and length (without the newline); none for a missing file. A line cut
 * short by a kill comes as it is (it does not parse).
 */
export async function* logLines(path: string): AsyncGenerator<{ text: string; offset: number; length: number }> {
  const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new AcsegError('BAD_INPUT', `${path}: cannot read (${e.message})`, { file: path });
  });
  if (!fh) return;
  try {
    let carry = Buffer.alloc(0);
    let at = 0; // file offset of carry[0]
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await fh.read(chunk, 0, CHUNK, at + carry.length);
      const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let nl = buf.indexOf(0x0a, start); nl >= 0; nl = buf.indexOf(0x0a, start)) {
        if (nl > start) yield { text: buf.toString('utf8', start, nl), offset: at + start, length: nl - start };
        start = nl + 1;
      }
      if (bytesRead === 0) {
        if (start < buf.length) yield { text: buf.toString('utf8', start), offset: at + start, length: buf.length - start };
        return;
      }
      // The unfinished line, copied: the chunk's buffer is not kept.
      carry = Buffer.from(buf.subarray(start));
      at += start;
    }
  } finally {
    await fh.close();
  }
}

function parsed(text: string): GalleryLine | undefined {
  try {
    return JSON.parse(text) as GalleryLine;
  } catch {
    return undefined; // the last line of a killed run
  }
}

/**
 * Indexes the gallery record at `path` without holding its images: per image (its last record: a rerun that redid an
 * image replaces it) the record's place in the file, so that memory grows by tens of bytes an image rather than by
 * the record itself (~670 bytes an image parsed: 73 MB at 100 000 images). Two passes over the
 * file (where each image's last record is, then the class ids and names of those records); `slice` reads the records
 * again from the file, which must not change meanwhile. The same images, skips and class names as `GalleryLog.read`.
 */
export async function indexGalleryLog(path: string, order: GalleryOrder = 'id'): Promise<GalleryLogIndex> {
  const dedupe = order !== 'file';
  const entryOf = new Map<string, number>();
  const offsets: number[] = [];
  const lengths: number[] = [];
  const keys: string[] = [];
  const skipped = new Map<string, SkippedFile>();
  for await (const { text, offset, length } of logLines(path)) {
    const line = parsed(text);
    if (!line) continue;
    if ('item' in line) {
      const { id, source } = line.item;
      let e = dedupe ? entryOf.get(id) : undefined;
      if (e === undefined) {
        e = offsets.length;
        if (dedupe) entryOf.set(id, e);
        if (order !== 'file') keys.push(order === 'source' ? source : id);
      }
      offsets[e] = offset;
      lengths[e] = length;
      skipped.delete(resolve(source));
    } else if ('skipped' in line) {
      skipped.set(resolve(line.skipped.source), line.skipped);
    }
  }
  // Entries were made in the order of the ids' first records: the Map's order.
  const ids = [...entryOf.keys()];
  const byKey = (a: number, b: number) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0);
  const sorted = offsets.map((_, e) => e);
  if (order === 'source') sorted.sort((a, b) => byKey(a, b) || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  else if (order === 'id') sorted.sort(byKey);
  const rank = new Int32Array(sorted.length);
  sorted.forEach((e, r) => (rank[e] = r));
  // Class ids and names of the records that stand (each image's last), the later image in order naming an id.
  const present = new Set<number>();
  const names: string[] = [];
  const namedBy: number[] = [];
  let next = 0;
  for await (const { text, offset } of logLines(path)) {
    const line = parsed(text);
    if (!line || !('item' in line)) continue;
    const e = dedupe ? entryOf.get(line.item.id) : next++;
    if (e === undefined || offsets[e] !== offset) continue;
    for (const c of line.item.classes ?? []) {
      present.add(c.classId);
      if (c.className && !(namedBy[c.classId] > rank[e])) {
        names[c.classId] = c.className;
        namedBy[c.classId] = rank[e];
      }
    }
  }
  return {
    count: sorted.length,
    classIds: [...present].sort((a, b) => a - b),
    skipped: [...skipped.values()],
    classNames: names.length ? Array.from(names, (n, i) => n ?? `class ${i}`) : undefined,
    async slice(from, to) {
      const picked = sorted.slice(Math.max(0, from), Math.min(sorted.length, to));
      if (!picked.length) return [];
      const items = new Map<number, GalleryItem>();
      const fh = await open(path, 'r');
      try {
        // Records near one another in the file are read in one call (a run's record is mostly in id order already).
        const byPlace = [...picked].sort((a, b) => offsets[a] - offsets[b]);
        for (let i = 0; i < byPlace.length;) {
          const start = offsets[byPlace[i]];
          let end = start + lengths[byPlace[i]];
          let j = i + 1;
          while (j < byPlace.length && offsets[byPlace[j]] - end <= SPAN_GAP && offsets[byPlace[j]] + lengths[byPlace[j]] - start <= SPAN) {
            end = Math.max(end, offsets[byPlace[j]] + lengths[byPlace[j]]);
            j++;
          }
          const bytes = Buffer.allocUnsafe(end - start);
          // Synchronous: a read through libuv's pool cost ~50 µs a record where the records of a page lie apart.
          readSync(fh.fd, bytes, 0, end - start, start);
          for (; i < j; i++) {
            const e = byPlace[i];
            items.set(e, (JSON.parse(bytes.toString('utf8', offsets[e] - start, offsets[e] - start + lengths[e])) as { item: GalleryItem }).item);
          }
        }
      } finally {
        await fh.close();
      }
      return picked.map((e) => items.get(e)!);
    },
  };
}

/** An array of items as `GalleryItems`. */
export function itemsOf(items: readonly GalleryItem[]): GalleryItems {
  const present = new Set<number>();
  for (const item of items) for (const c of item.classes ?? []) present.add(c.classId);
  return { count: items.length, classIds: [...present].sort((a, b) => a - b), slice: async (from, to) => items.slice(from, to) };
}
