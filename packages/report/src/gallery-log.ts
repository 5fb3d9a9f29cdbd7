import { appendFileSync } from 'node:fs';
import { appendFile, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AcsegError } from '@acseg/core';
import { writeFileAtomic } from './atomic.js';
import type { GalleryItem, SkippedFile } from './gallery.js';
import { indexGalleryLog, type GalleryLine, type GalleryLogIndex, type GalleryOrder } from './gallery-index.js';

/** File name of the record beside a run's outputs. */
export const GALLERY_LOG = 'gallery.jsonl';

type Line = GalleryLine;

/**
 * A run's gallery as it goes, one JSON line per finished image or skipped
 * file, appended beside the outputs: index.html is rebuilt from it (never
 * from results in memory), a killed run leaves a record of every finished
 * image, and a rerun appends to it. A line cut short by a kill is ignored.
 */
export class GalleryLog {
  private constructor(readonly path: string) {}

  /**
   * `fresh`: start an empty record (a run that writes every image again), or (`from`) one holding that file's lines,
   * which is moved into place.
   */
  static async open(dir: string, options: { fresh?: boolean; from?: string } = {}): Promise<GalleryLog> {
    const out = resolve(dir);
    await mkdir(out, { recursive: true });
    const log = new GalleryLog(join(out, GALLERY_LOG));
    if (options.fresh) {
      if (options.from) await rename(options.from, log.path);
      else await writeFileAtomic(log.path, '');
      return log;
    }
    // A line cut short by a kill is ended, so the next record starts on a line of its own.
    const size = await stat(log.path).then(
      (s) => s.size,
      () => 0,
    );
    if (size > 0) {
      const fh = await open(log.path, 'r');
      try {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) await appendFile(log.path, '\n');
      } finally {
        await fh.close();
      }
    }
    return log;
  }

  add(item: GalleryItem): Promise<void> {
    return this.append({ item });
  }

  skip(skipped: SkippedFile): Promise<void> {
    return this.append({ skipped });
  }

  private async append(line: Line): Promise<void> {
    try {
      // One write per line: with O_APPEND a line is never interleaved with another.
      await appendFile(this.path, lineOf(line));
    } catch (e) {
      throw cannotWrite(this.path, e);
    }
  }

  /**
   * What the log holds, as `read` gives it, without holding it: the images are read a page at a time (see
   * `indexGalleryLog`). For a run's end, where the record may list 100 000 images.
   */
  index(order: GalleryOrder = 'id'): Promise<GalleryLogIndex> {
    return indexGalleryLog(this.path, order);
  }

  /**
   * What the log holds, an image once (its last record: a rerun that
   * redid an image replaces it), sorted by id; a file skipped once but
   * segmented later is not listed as skipped.
   */
  async read(): Promise<{ items: GalleryItem[]; skipped: SkippedFile[] }> {
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new AcsegError('BAD_INPUT', `${this.path}: cannot read (${(e as Error).message})`, { file: this.path });
    }
    const items = new Map<string, GalleryItem>();
    const skipped = new Map<string, SkippedFile>();
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        continue; // the last line of a killed run
      }
      if ('item' in line) {
        items.set(line.item.id, line.item);
        skipped.delete(resolve(line.item.source));
      } else if ('skipped' in line) {
        skipped.set(resolve(line.skipped.source), line.skipped);
      }
    }
    const byId = (a: GalleryItem, b: GalleryItem) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return { items: [...items.values()].sort(byId), skipped: [...skipped.values()] };
  }
}

/**
 * Appends a finished image's record to the log at `path` (a `GalleryLog`'s, opened by the run), synchronously: for an
 * output worker, which writes the image's files the same way and records it once they are all written, so that the
 * thread that segments makes no file calls for the record (three round trips through libuv's pool an image).
 */
export function appendGalleryItemSync(path: string, item: GalleryItem): void {
  try {
    appendFileSync(path, lineOf({ item }));
  } catch (e) {
    throw cannotWrite(path, e);
  }
}

/** A finished image's line of the record, as `add` appends it. */
export function galleryLine(item: GalleryItem): string {
  return lineOf({ item });
}

function lineOf(line: Line): string {
  return `${JSON.stringify(line)}\n`;
}

function cannotWrite(path: string, e: unknown): AcsegError {
  return new AcsegError('BAD_INPUT', `${path}: cannot write (${e instanceof Error ? e.message : String(e)})`, { file: path, cause: e });
}
