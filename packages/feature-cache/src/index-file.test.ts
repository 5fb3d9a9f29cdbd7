import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_FORMAT, CACHE_VERSION, type CacheIndex, type ImageEntry } from './format.js';
import { StreamedIndex } from './index-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fcache-index-file-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function emptyIndex(): CacheIndex {
  return {
    format: CACHE_FORMAT,
    version: CACHE_VERSION,
    info: { model: 'm', inputSize: 32, patchSize: 16, dim: 4, heads: null, hasAttention: false },
    grid: { h: 2, w: 2 },
    dim: 4,
    heads: 0,
    tensors: { tokens: true, cls: false, attention: false },
    dtype: 'F32',
    shards: [],
    images: [],
    skipped: [],
    updated: '',
  };
}

/** Entry i of shard s; ids and paths with quotes, backslashes and non-ASCII, which JSON escapes. */
const entry = (i: number, s: number, row: number): ImageEntry => ({
  id: `img "${i}" é`,
  source: `/photos/a\\b/${i}-ü.jpg`,
  width: 40 + i,
  height: 30,
  shard: s,
  row,
});

describe('StreamedIndex', () => {
  it('writes, shard after shard, exactly JSON.stringify of the whole index, without holding the entries', async () => {
    const path = join(dir, 'fresh.json');
    const index = emptyIndex();
    const file = await StreamedIndex.adopt(path, index, undefined);
    const all: ImageEntry[] = [];
    for (let s = 0; s < 4; s++) {
      const added = s === 2 ? [] : Array.from({ length: s + 1 }, (_, r) => entry(all.length + r, s, r));
      index.shards.push({ file: `shard-${s}`, count: added.length || 1, bytes: 10, sha256: 'x' });
      if (s === 3) index.skipped.push({ source: 'bad.jpg', message: 'not an image' });
      index.updated = `t${s}`;
      await file.save(index, added);
      all.push(...added);
      expect(index.images).toEqual([]);
      expect(file.images).toBe(all.length);
      // The reference: the same index with every entry in memory, stringified at once.
      expect(await readFile(path, 'utf8')).toBe(JSON.stringify({ ...index, images: all }));
    }
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
    await expect(file.save({ ...index, images: [entry(9, 0, 0)] }, [])).rejects.toThrow(/must be empty/);
  });

  it('takes over an index written by another tool (spaced JSON): same content, then appends', async () => {
    const path = join(dir, 'spaced.json');
    const index = { ...emptyIndex(), shards: [{ file: 'shard-0', count: 2, bytes: 10, sha256: 'x' }], images: [entry(0, 0, 0), entry(1, 0, 1)] };
    const text = JSON.stringify(index, null, 2);
    await writeFile(path, text);
    const parsed = JSON.parse(text) as CacheIndex;
    const file = await StreamedIndex.adopt(path, parsed, text);
    expect(file.images).toBe(2);
    expect(await readFile(path, 'utf8')).toBe(JSON.stringify(index));
    parsed.shards.push({ file: 'shard-1', count: 1, bytes: 10, sha256: 'y' });
    await file.save(parsed, [entry(2, 1, 0)]);
    expect(await readFile(path, 'utf8')).toBe(JSON.stringify({ ...index, shards: parsed.shards, images: [...index.images, entry(2, 1, 0)] }));
  });
});
