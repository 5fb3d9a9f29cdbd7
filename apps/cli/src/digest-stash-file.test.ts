import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegionDigest } from '@acseg/core';
import { afterAll, describe, expect, it } from 'vitest';
import { FileDigestStash } from './digest-stash-file.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const DIM = 16;

function digest(i: number): RegionDigest {
  const regionCount = 1 + (i % 6);
  const background = Array.from({ length: regionCount }, (_, r) => (i + r) % 3 === 0);
  const foreground = background.flatMap((b, r) => (b ? [] : [r]));
  // Values of every kind a float32 holds (subnormal, negative zero, extremes), so a byte slip shows.
  const embeddings = foreground.map((r) =>
    Float32Array.from({ length: DIM }, (_, j) => [Math.fround(Math.sin(i * 31 + r * 7 + j)), -0, 1e-45, 3.4e38, -1][j % 5]),
  );
  const d: RegionDigest = { regionCount, background, foreground, embeddings };
  if (i % 4 === 1) d.groundTruth = Int32Array.from({ length: regionCount }, (_, r) => (r % 2 ? -1 : i % 27));
  return d;
}

const bytes = (d: RegionDigest) => Buffer.concat(d.embeddings.map((e) => Buffer.from(e.buffer, e.byteOffset, e.byteLength)));

describe('FileDigestStash', () => {
  it('gives back each digest bit for bit and every embedding as rows, and removes its files on close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acseg-digests-'));
    dirs.push(dir);
    const stash = await FileDigestStash.create(join(dir, 'd'), join(dir, 'r'));
    const n = 16_000; // rows: several flushes of 1 MB
    const kept = Array.from({ length: n }, (_, i) => i).filter((i) => i % 10 !== 3);
    for (const i of kept) await stash.put(i, digest(i));
    const rows = await stash.rows();
    const all = Buffer.concat(kept.map((i) => bytes(digest(i))));
    expect([rows.rows, rows.cols]).toEqual([all.length / 4 / DIM, DIM]);
    // Read in blocks of an odd size: the same bytes in the same order.
    const block = new Float32Array(997 * DIM);
    for (let start = 0; start < rows.rows; start += 997) {
      const count = Math.min(997, rows.rows - start);
      rows.read(start, count, block);
      expect(Buffer.from(block.buffer, 0, count * DIM * 4).equals(all.subarray(start * DIM * 4, (start + count) * DIM * 4))).toBe(true);
    }
    expect(() => rows.read(rows.rows - 1, 2, block)).toThrow(RangeError);
    for (let s = 0; s < kept.length; s += 16) {
      const got = await Promise.all(kept.slice(s, s + 16).map((i) => stash.get(i)));
      got.forEach((g, j) => {
        const want = digest(kept[s + j]);
        expect({ ...g, embeddings: [] }).toEqual({ ...want, embeddings: [] });
        expect(bytes(g).equals(bytes(want))).toBe(true);
      });
    }
    await expect(stash.get(3)).rejects.toThrow(/nothing kept for image 3/);
    await stash.close();
    expect(existsSync(join(dir, 'd')) || existsSync(join(dir, 'r'))).toBe(false);
  });

  it('refuses embeddings of another size, and images out of order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acseg-digests-'));
    dirs.push(dir);
    const stash = await FileDigestStash.create(join(dir, 'd'), join(dir, 'r'));
    await stash.put(2, digest(2));
    await expect(stash.put(1, digest(1))).rejects.toThrow(/image 1 put after image 2/);
    const wide = { ...digest(4), embeddings: digest(4).embeddings.map(() => new Float32Array(DIM + 1)) };
    await expect(stash.put(4, wide)).rejects.toThrow(/region embeddings of 17 and 16 dimensions in one set/);
    await stash.close();
  });

  it('a folder it cannot write in is one error naming the folder', async () => {
    const missing = join(tmpdir(), 'acseg-no-such-folder', 'd');
    await expect(FileDigestStash.create(missing, missing + '-rows')).rejects.toThrow(/acseg-no-such-folder: cannot write the pass-1 record/);
  });
});
