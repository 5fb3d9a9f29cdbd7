import { readdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PreparedItem } from '@acseg/eval';
import { afterAll, describe, expect, it } from 'vitest';
import { FilePreparedStore, PREPARED_STORE_PREFIX } from './prepared-store-file.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const DIM = 12;
const CLASSES = 5;

/** Items of every shape the protocols keep: digests with and without ground truth, ids (some empty), neither. */
function item(i: number): PreparedItem {
  const regionCount = i % 7; // 0 regions included
  const it: PreparedItem = {
    id: `img-${i}`,
    counts: { regionCount, classes: CLASSES, counts: Uint32Array.from({ length: regionCount * CLASSES }, (_, j) => (i * 13 + j * 7) % 5000) },
  };
  if (i % 3 !== 2) {
    const background = Array.from({ length: regionCount }, (_, r) => (i + r) % 4 === 0);
    const foreground = background.flatMap((b, r) => (b ? [] : [r]));
    it.digest = {
      regionCount,
      background,
      foreground,
      // Values of every kind a float32 holds, so a byte slip shows.
      embeddings: foreground.map((r) => Float32Array.from({ length: DIM }, (_, j) => [Math.fround(Math.cos(i + r * 3 + j)), -0, 1e-45, 3.4e38][j % 4])),
    };
    if (i % 5 === 1) it.digest.groundTruth = Int32Array.from({ length: regionCount }, (_, r) => (r % 2 ? -1 : i % CLASSES));
  } else {
    it.ids = Uint8Array.from({ length: regionCount }, (_, r) => (r === 1 ? 255 : (i + r) % 9));
  }
  return it;
}

const bits = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
/** An item with its arrays as hex, for a bit-for-bit comparison. */
const plain = (it: PreparedItem) => ({
  id: it.id,
  counts: { ...it.counts, counts: bits(it.counts.counts) },
  ids: it.ids && bits(it.ids),
  digest: it.digest && { ...it.digest, embeddings: it.digest.embeddings.map(bits), groundTruth: it.digest.groundTruth && bits(it.digest.groundTruth) },
});

describe('FilePreparedStore', () => {
  it('reads every item back bit for bit, in chunks of any size and as many times as asked; rows as one matrix; files removed on close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acseg-prepared-'));
    dirs.push(dir);
    const store = await FilePreparedStore.factory(join(dir, 'out'))();
    const n = 9000; // several flushes of 1 MB
    for (let i = 0; i < n; i++) await store.add(item(i));
    expect(store.length).toBe(n);
    const want = Array.from({ length: n }, (_, i) => plain(item(i)));
    for (const size of [1, 37, 4096]) {
      const got: PreparedItem[] = [];
      for await (const chunk of store.chunks(size)) {
        expect(chunk.length).toBeLessThanOrEqual(size);
        got.push(...chunk);
      }
      expect(got.map(plain)).toEqual(want);
    }
    // Without digests: the rest unchanged.
    const light: PreparedItem[] = [];
    for await (const chunk of store.chunks(100, { digests: false })) light.push(...chunk);
    expect(light.map(plain)).toEqual(want.map((w) => ({ ...w, digest: undefined })));

    const rows = await store.rows();
    const all = Buffer.concat(
      Array.from({ length: n }, (_, i) => item(i).digest?.embeddings ?? []).flatMap((es) => es.map((e) => Buffer.from(e.buffer, e.byteOffset, e.byteLength))),
    );
    expect([rows.rows, rows.cols]).toEqual([all.length / 4 / DIM, DIM]);
    const block = new Float32Array(511 * DIM);
    for (let start = 0; start < rows.rows; start += 511) {
      const count = Math.min(511, rows.rows - start);
      rows.read(start, count, block);
      expect(Buffer.from(block.buffer, 0, count * DIM * 4).equals(all.subarray(start * DIM * 4, (start + count) * DIM * 4))).toBe(true);
    }
    expect(() => rows.read(rows.rows, 1, block)).toThrow(RangeError);

    expect((await readdir(join(dir, 'out'))).sort()).toEqual([`${PREPARED_STORE_PREFIX}-0`, `${PREPARED_STORE_PREFIX}-0-rows`]);
    await store.close();
    expect(await readdir(join(dir, 'out'))).toEqual([]);
  });

  it('refuses embeddings of another size and an item holding its whole input, naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acseg-prepared-'));
    dirs.push(dir);
    const store = await FilePreparedStore.factory(dir)();
    await store.add(item(1));
    const other = item(4);
    other.digest!.embeddings = other.digest!.embeddings.map(() => new Float32Array(DIM + 1));
    await expect(store.add(other)).rejects.toThrow(`region embeddings of ${DIM + 1} and ${DIM} dimensions`);
    await expect(store.add({ ...item(0), held: { input: {} as never, label: new Uint8Array(0) } })).rejects.toThrow(
      'img-0: a prepared item holding its whole input',
    );
    await store.close();
  });

  it('an output folder it cannot make is one error naming the folder and what it holds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acseg-prepared-'));
    dirs.push(dir);
    await writeFile(join(dir, 'plain'), '');
    const out = join(dir, 'plain', 'out');
    await expect(FilePreparedStore.factory(out)()).rejects.toThrow(
      `${out}: cannot write the evaluation's prepared items ${join(out, PREPARED_STORE_PREFIX)}-0`,
    );
  });
});
