import { appendFile, mkdir, open, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AcsegError } from '@acseg/core';
import { writeFileAtomic } from './atomic.js';
import type { GalleryItem, SkippedFile } from './gallery.js';

/** File name of the record beside a run's outputs. */
export const GALLERY_LOG = 'gallery.jsonl';

type Line = { item: GalleryItem } | { skipped: SkippedFile };

/**
 * A run's gallery as it goes, one JSON line per finished image or skipped
 * file, appended beside the outputs: index.html is rebuilt from it (never
 * from results in memory), a killed run leaves a record of every finished
 * image, and a rerun appends to it. A line cut short by a kill is ignored.
 */
export class GalleryLog {
  private constructor(readonly path: string) {}

  /** `fresh`: start an empty record (a run that writes every image again). */
  static async open(dir: string, options: { fresh?: boolean } = {}): Promise<GalleryLog> {
    const out = resolve(dir);
    await mkdir(out, { recursive: true });
    const log = new GalleryLog(join(out, GALLERY_LOG));
    if (options.fresh) {
      await writeFileAtomic(log.path, '');
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
      await appendFile(this.path, `${JSON.stringify(line)}\n`);
    } catch (e) {
      throw new AcsegError('BAD_INPUT', `${this.path}: cannot write (${e instanceof Error ? e.message : String(e)})`, { file: this.path, cause: e });
    }
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
