import { appendFile, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@acseg/core/testing';
import { GalleryLog, appendGalleryItemSync, writeGallery, type GalleryItem } from './index.js';

afterAll(removeTempDirs);

function item(dir: string, id: string, source = join(dir, 'in', `${id}.jpg`)): GalleryItem {
  return {
    id,
    source,
    image: join(dir, 'thumbs', `${id}.jpg`),
    overlay: join(dir, `${id}.overlay.png`),
    label: join(dir, `${id}.png`),
    json: join(dir, `${id}.json`),
    classes: [{ classId: 1, className: 'thing' }],
  };
}

describe('GalleryLog', () => {
  it('keeps one record per image (the last), drops a line cut short by a kill, and forgets a skip that a later run fixed', async () => {
    const dir = await tempDir('acseg-glog-');
    const log = await GalleryLog.open(dir);
    await log.add(item(dir, 'b'));
    await log.skip({ source: join(dir, 'in', 'c.jpg'), reason: 'cannot read the image' });
    await log.skip({ source: join(dir, 'in', 'd.jpg'), reason: 'empty file' });
    await log.add({ ...item(dir, 'a'), classes: [] });
    await appendFile(log.path, '{"item":{"id":"half'); // a killed run's last line
    // A rerun: a redone, c now readable.
    const again = await GalleryLog.open(dir);
    await again.add(item(dir, 'a'));
    await again.add(item(dir, 'c'));
    const { items, skipped } = await again.read();
    expect(items.map((i) => i.id)).toEqual(['a', 'b', 'c']);
    expect(items[0].classes).toEqual([{ classId: 1, className: 'thing' }]);
    expect(skipped).toEqual([{ source: join(dir, 'in', 'd.jpg'), reason: 'empty file' }]);
  });

  it('appendGalleryItemSync (an output worker’s record) writes the same lines as add; a log it cannot write is named', async () => {
    const dir = await tempDir('acseg-glog-');
    const log = await GalleryLog.open(dir, { fresh: true });
    await log.add(item(dir, 'a'));
    appendGalleryItemSync(log.path, item(dir, 'b'));
    await log.skip({ source: join(dir, 'in', 'c.jpg'), reason: 'broken' });
    const lines = (await readFile(log.path, 'utf8')).split('\n');
    expect(lines[1]).toBe(JSON.stringify({ item: item(dir, 'b') }));
    const { items, skipped } = await log.read();
    expect(items).toEqual([item(dir, 'a'), item(dir, 'b')]);
    expect(skipped.map((s) => s.reason)).toEqual(['broken']);
    const missing = join(dir, 'no-such-folder', 'gallery.jsonl');
    expect(() => appendGalleryItemSync(missing, item(dir, 'c'))).toThrow(`${missing}: cannot write`);
  });

  it('reads an empty record from a folder that has none', async () => {
    const dir = await tempDir('acseg-glog-');
    expect(await (await GalleryLog.open(dir)).read()).toEqual({ items: [], skipped: [] });
  });
});

describe('writeGallery pages', () => {
  it('splits the cards over pages linked from each other, every image on exactly one page, skipped files on the first', async () => {
    const dir = await tempDir('acseg-gpages-');
    const items = ['p', 'q', 'r', 's', 't'].map((id) => item(dir, id));
    await writeGallery(dir, { items, pageSize: 2, skipped: [{ source: 'x.jpg', reason: 'broken' }] });
    const pages = (await readdir(dir)).filter((f) => f.endsWith('.html')).sort();
    expect(pages).toEqual(['index.html', 'page-2.html', 'page-3.html']);
    const html = await Promise.all(pages.map((p) => readFile(join(dir, p), 'utf8')));
    const cards = html.map((h) => [...h.matchAll(/data-id="([^"]+)"/g)].map((m) => m[1]));
    expect(cards).toEqual([['p', 'q'], ['r', 's'], ['t']]);
    expect(html[0]).toContain('<a href="page-2.html">2</a>');
    expect(html[2]).toContain('<a href="index.html">1</a>');
    expect(html[0]).toContain('<code>x.jpg</code>: broken');
    expect(html[1]).not.toContain('x.jpg');
    for (const h of html) expect(h).toContain('<b>5</b> images segmented');
  });
});
