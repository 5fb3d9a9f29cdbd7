import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPreparedItems, writePreparedItems } from './prepared-io.js';
import type { PreparedItem } from './prepared.js';
import { allItems, memoryPreparedStore } from './prepared-store.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

const bitsOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe('writePreparedItems / readPreparedItems', () => {
  it('reads back counts and digests bit for bit (negative zero, subnormals, NaN payloads included)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prepared-io-'));
    made.push(dir);
    const odd = new Float32Array([-0, 1e-45, Number.NaN, 1 / 3, -2.5e38]);
    const items: PreparedItem[] = [
      {
        id: 'a',
        counts: { regionCount: 2, classes: 3, counts: new Uint32Array([1, 0, 4294967295, 7, 8, 9]) },
        digest: { regionCount: 2, background: [true, false], foreground: [1], embeddings: [odd] },
      },
      {
        id: 'b',
        counts: { regionCount: 1, classes: 3, counts: new Uint32Array([0, 0, 3]) },
        digest: { regionCount: 1, background: [false], foreground: [0], embeddings: [new Float32Array([0.5, -0.25])], groundTruth: new Int32Array([-1]) },
      },
    ];
    const file = join(dir, 'prepared.jsonl');
    await writePreparedItems(file, { digestedBy: 'kmeans' }, items, [{ id: 'c', reason: 'unreadable' }]);
    const back = await readPreparedItems(file);
    const backItems = await allItems(back.items);
    expect(back.digestedBy).toBe('kmeans');
    expect(back.skipped).toEqual([{ id: 'c', reason: 'unreadable' }]);
    expect(backItems.map((it) => it.id)).toEqual(['a', 'b']);
    for (const [i, it] of backItems.entries()) {
      expect(bitsOf(it.counts.counts)).toBe(bitsOf(items[i].counts.counts));
      expect(it.digest!.embeddings.map(bitsOf)).toEqual(items[i].digest!.embeddings.map(bitsOf));
      expect(it.digest!.background).toEqual(items[i].digest!.background);
    }
    expect(bitsOf(backItems[1].digest!.groundTruth!)).toBe(bitsOf(new Int32Array([-1])));
    expect(back.labelledBy).toBeUndefined();
    expect(backItems[0].ids).toBeUndefined();

    // Cut short (a killed writer cannot leave this, the rename is atomic, but a copy can): refused, naming the file.
    const lines = (await readFile(file, 'utf8')).split('\n');
    await writeFile(file, lines.slice(0, 2).join('\n'));
    await expect(readPreparedItems(file)).rejects.toThrow(`${file}: `);
    // Cut in the middle of a line, or not read at all: refused, and the store given is closed (a store on disk
    // removes its files then).
    for (const [text, problem] of [
      [lines.slice(0, 3).join('\n').slice(0, -5), 'not a prepared split (bad JSON)'],
      ['', 'not a prepared split (empty)'],
    ]) {
      await writeFile(file, text);
      const store = memoryPreparedStore();
      let closed = 0;
      const close = store.close.bind(store);
      store.close = () => (closed++, close());
      await expect(readPreparedItems(file, store)).rejects.toThrow(`${file}: ${problem}`);
      expect(closed).toBe(1);
    }
  });

  it('keeps the region ids of a classifier that labels as it goes, and its name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prepared-io-'));
    made.push(dir);
    const ids = new Uint8Array([3, 255, 0]);
    const file = join(dir, 'prepared.jsonl');
    await writePreparedItems(file, { labelledBy: 'clip' }, [{ id: 'a', counts: { regionCount: 3, classes: 2, counts: new Uint32Array(6) }, ids }], []);
    const back = await readPreparedItems(file);
    const [item] = await allItems(back.items);
    expect(back.labelledBy).toBe('clip');
    expect(back.digestedBy).toBeUndefined();
    expect([...item.ids!]).toEqual([3, 255, 0]);
    expect(item.digest).toBeUndefined();
  });
});
