import { appendFile, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@acseg/core/testing';
import { GalleryLog, indexGalleryLog, logLines, writeGallery, type GalleryItem } from './index.js';

afterAll(removeTempDirs);

function item(dir: string, id: string, classes: GalleryItem['classes'], source = join(dir, 'in', `${id}.jpg`)): GalleryItem {
  return { id, source, overlay: join(dir, `${id}.overlay.png`), label: join(dir, `${id}.png`), json: join(dir, `${id}.json`), classes };
}

/** Class names as the run's end made them before the index: over the images in order, the later one naming an id. */
function namesOf(items: readonly GalleryItem[]): string[] | undefined {
  const names: string[] = [];
  for (const i of items) for (const c of i.classes ?? []) if (c.className) names[c.classId] = c.className;
  return names.length ? Array.from(names, (n, i) => n ?? `class ${i}`) : undefined;
}

/** A record with reruns, skips, a killed run's cut line and names that disagree, in `dir`. */
async function messyLog(dir: string): Promise<GalleryLog> {
  const log = await GalleryLog.open(dir);
  await log.add(item(dir, 'm', [{ classId: 2, className: 'road' }]));
  await log.skip({ source: join(dir, 'in', 'c.jpg'), reason: 'cannot read the image' });
  await log.add(item(dir, 'b', [{ classId: 1, className: 'sky' }], join(dir, 'in', 'z.jpg')));
  await log.skip({ source: join(dir, 'in', 'd.jpg'), reason: 'empty file' });
  await log.add(item(dir, 'a', [{ classId: 4 }]));
  await appendFile(log.path, '{"item":{"id":"half');
  const again = await GalleryLog.open(dir);
  // a redone (its classes change), c readable now, m redone with another name for class 2, d skipped again.
  await again.add(item(dir, 'a', [{ classId: 5, className: 'tree' }]));
  await again.add(item(dir, 'c', [{ classId: 2, className: 'street' }, { classId: 7 }]));
  await again.add(item(dir, 'm', [{ classId: 2, className: 'lane' }]));
  await again.skip({ source: join(dir, 'in', 'd.jpg'), reason: 'still empty' });
  return again;
}

describe('indexGalleryLog', () => {
  it('gives what read gives — each image once (its last record), skips a later record fixed, the cut line dropped — a page at a time', async () => {
    const dir = await tempDir('acseg-gidx-');
    const log = await messyLog(dir);
    const { items, skipped } = await log.read();
    const index = await log.index();
    expect(index.count).toBe(items.length);
    expect(await index.slice(0, index.count)).toEqual(items);
    expect([...(await index.slice(0, 2)), ...(await index.slice(2, 99))]).toEqual(items);
    expect(await index.slice(5, 9)).toEqual([]);
    expect(index.skipped).toEqual(skipped);
    expect(index.skipped.map((s) => s.reason)).toEqual(['still empty']);
    // a's first record (class 4) and m's (road) do not stand; m, last by id, names class 2.
    expect(index.classIds).toEqual([1, 2, 5, 7]);
    expect(index.classNames).toEqual(namesOf(items));
    expect(index.classNames).toEqual(['class 0', 'sky', 'lane', 'class 3', 'class 4', 'tree']);
  });

  it('orders by input path (then id), or keeps every record in the file’s order', async () => {
    const dir = await tempDir('acseg-gidx-');
    const log = await messyLog(dir);
    const { items } = await log.read();
    const bySource = await log.index('source');
    const sorted = [...items].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
    expect(await bySource.slice(0, 9)).toEqual(sorted);
    expect(bySource.classNames).toEqual(namesOf(sorted));
    const inFile = await log.index('file');
    const lines = (await readFile(log.path, 'utf8')).split('\n').flatMap((l) => {
      try {
        const x = JSON.parse(l) as { item?: GalleryItem };
        return x.item ? [x.item] : [];
      } catch {
        return [];
      }
    });
    expect(lines.map((i) => i.id)).toEqual(['m', 'b', 'a', 'a', 'c', 'm']);
    expect(await inFile.slice(0, 9)).toEqual(lines);
    expect(inFile.classNames).toEqual(namesOf(lines));
  });

  it('reads lines across its 1 MiB reads whole, with their byte offsets, and a last line without its newline', async () => {
    const dir = await tempDir('acseg-gidx-');
    const log = await GalleryLog.open(dir, { fresh: true });
    // ~3 MB of records, some long (many classes, multi-byte names), so that lines straddle the reads.
    for (let i = 0; i < 3000; i++) {
      const classes = Array.from({ length: 1 + (i % 40) }, (_, c) => ({ classId: c, className: `clé ${c}`, pixels: i * c }));
      await log.add(item(dir, `img${String(i).padStart(5, '0')}`, classes));
    }
    await appendFile(log.path, JSON.stringify({ skipped: { source: join(dir, 'x.jpg'), reason: 'no newline' } }));
    const bytes = await readFile(log.path);
    expect(bytes.length).toBeGreaterThan(3 * 2 ** 20);
    let n = 0;
    for await (const { text, offset, length } of logLines(log.path)) {
      expect(bytes.toString('utf8', offset, offset + length)).toBe(text);
      expect(bytes[offset + length] === 0x0a || offset + length === bytes.length).toBe(true);
      n++;
    }
    expect(n).toBe(3001);
    const { items, skipped } = await log.read();
    const index = await indexGalleryLog(log.path);
    expect(await index.slice(0, index.count)).toEqual(items);
    expect(index.skipped).toEqual(skipped);
    expect(index.classNames).toEqual(namesOf(items));
  });

  it('writeGallery pages through an index to the same pages as from the records in memory', async () => {
    const dir = await tempDir('acseg-gidx-');
    const log = await messyLog(dir);
    const { items, skipped } = await log.read();
    const a = join(dir, 'from-array');
    const b = join(dir, 'from-index');
    const index = await log.index();
    await writeGallery(a, { items, skipped, classNames: namesOf(items), pageSize: 2 });
    await writeGallery(b, { items: index, skipped: index.skipped, classNames: index.classNames, pageSize: 2 });
    const pages = (await readdir(a)).filter((f) => f.endsWith('.html')).sort();
    expect(pages).toEqual(['index.html', 'page-2.html']);
    expect((await readdir(b)).filter((f) => f.endsWith('.html')).sort()).toEqual(pages);
    for (const p of pages) {
      // Links are relative to each folder, which sit side by side: the same text.
      expect(await readFile(join(b, p), 'utf8')).toBe(await readFile(join(a, p), 'utf8'));
    }
    expect(await readFile(join(a, 'index.html'), 'utf8')).toContain('lane');
  });

  it('indexes a missing record as empty', async () => {
    const dir = await tempDir('acseg-gidx-');
    const index = await indexGalleryLog(join(dir, 'gallery.jsonl'));
    expect([index.count, index.skipped, index.classIds, index.classNames]).toEqual([0, [], [], undefined]);
  });
});
