import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { AcsegError } from '@acseg/core';
import type { CacheIndex, ImageEntry } from './format.js';
import writeFileAtomic from 'write-file-atomic';

/** Stands in for the image entries while the rest of the index is stringified (no path or id holds a NUL). */
const MARK = '\u0000images\u0000';
const CHUNK = 1 << 20;
let temps = 0;

/** The index's JSON around its `images` list: `before` ends just before `[`, `after` starts just after `]`. */
function around(index: CacheIndex): { before: string; after: string } {
  const text = JSON.stringify({ ...index, images: MARK });
  const at = text.indexOf(JSON.stringify(MARK));
  return { before: text.slice(0, at), after: text.slice(at + JSON.stringify(MARK).length) };
}

function cannotWrite(path: string, e: unknown): AcsegError {
  return new AcsegError('BAD_INPUT', `${path}: cannot write (${(e as Error).message})`, { file: path, cause: e });
}

/**
 * `index.json` rewritten after every shard without holding its image entries (100 000 images are ~15 MB of them,
 * and many times that as objects): the entries already written are copied, in 1 MB chunks, from the file on disk
 * into the new one, followed by the new shard's. The bytes are exactly `JSON.stringify(index)` of the whole index,
 * as before, and each write is atomic (temp file, fsync, rename), so a killed writer leaves a complete index of the
 * shards it finished.
 */
export class StreamedIndex {
  private constructor(
    private readonly path: string,
    /** Byte range of the entries' text (between `[` and `]`) in the file on disk; null while there is no file. */
    private range: { start: number; end: number } | null,
    /** Entries in the file. */
    private count: number,
  ) {}

  /** Image entries in the index on disk. */
  get images(): number {
    return this.count;
  }

  /**
   * Takes over `index` (read from `path`, or new: then `text` is undefined): its image entries stay on disk and
   * `index.images` is emptied. A file that is not exactly what this writer writes (another tool's spacing) is
   * rewritten once in this form, with the same content.
   */
  static async adopt(path: string, index: CacheIndex, text: string | undefined): Promise<StreamedIndex> {
    const count = index.images.length;
    if (text === undefined) {
      index.images = [];
      return new StreamedIndex(path, null, 0);
    }
    const canonical = JSON.stringify(index);
    if (canonical !== text) await writeWhole(path, canonical);
    const { before, after } = around(index);
    index.images = [];
    const size = Buffer.byteLength(canonical);
    return new StreamedIndex(path, { start: Buffer.byteLength(before) + 1, end: size - Buffer.byteLength(after) - 1 }, count);
  }

  /** Writes the index with the entries on disk followed by `added` (in order); `index.images` must be empty. */
  async save(index: CacheIndex, added: readonly ImageEntry[]): Promise<void> {
    if (index.images.length) throw new Error('StreamedIndex.save: index.images must be empty (the entries are on disk)');
    const { before, after } = around(index);
    const tail = added.map((e) => JSON.stringify(e)).join(',');
    const tmp = `${this.path}.tmp-${process.pid}-${temps++}`;
    let fh: FileHandle | undefined;
    let old: FileHandle | undefined;
    try {
      fh = await open(tmp, 'w');
      await fh.write(`${before}[`);
      const start = Buffer.byteLength(before) + 1;
      let copied = 0;
      if (this.range && this.range.end > this.range.start) {
        // The entries already written, copied from the current file (replaced only by the rename below).
        old = await open(this.path, 'r');
        const buf = Buffer.allocUnsafe(CHUNK);
        for (let at = this.range.start; at < this.range.end;) {
          const { bytesRead } = await old.read(buf, 0, Math.min(CHUNK, this.range.end - at), at);
          if (bytesRead === 0) throw new Error(`${this.path} is shorter than this writer left it`);
          await fh.write(buf.subarray(0, bytesRead));
          at += bytesRead;
          copied += bytesRead;
        }
      }
      const sep = copied > 0 && tail ? ',' : '';
      const tailBytes = Buffer.byteLength(sep + tail);
      await fh.write(`${sep}${tail}]${after}`);
      await fh.datasync();
      await fh.close();
      fh = undefined;
      await rename(tmp, this.path);
      this.range = { start, end: start + copied + tailBytes };
      this.count += added.length;
    } catch (e) {
      await fh?.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw cannotWrite(this.path, e);
    } finally {
      await old?.close();
    }
  }
}

/** One whole index text, atomically (what the shards' files use). */
async function writeWhole(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text);
  } catch (e) {
    throw cannotWrite(path, e);
  }
}
