import { readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegionDigest } from '@acseg/core';
import { encodeDigest } from '@acseg/eval';
import { afterAll, describe, expect, it } from 'vitest';
import { DigestsWriter, readDigests, type DigestSink } from './fit-digests.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const folder = async () => {
  const d = await mkdtemp(join(tmpdir(), 'acseg-fit-digests-'));
  dirs.push(d);
  return d;
};

function digest(i: number): RegionDigest {
  const foreground = [0, 2].slice(0, 1 + (i % 2));
  return {
    regionCount: 3,
    background: [false, true, false],
    foreground,
    embeddings: foreground.map((r) => Float32Array.from({ length: 6 }, (_, j) => [Math.fround(Math.cos(i + r + j)), -0, 1e-45][j % 3])),
  };
}

/** A sink that keeps what it is given, as JSON that shows every bit of the floats. */
function kept(): DigestSink & { got: unknown[] } {
  const got: unknown[] = [];
  return { got, put: async (source, d) => void got.push({ source, d: encodeDigest(d) }) };
}

describe("a shard's digests file", () => {
  it('written as the images come and read back a line at a time: the same digests, count and skipped list', async () => {
    const file = join(await folder(), 'digests.jsonl');
    const w = DigestsWriter.open(file, 'kmeans');
    for (let i = 0; i < 300; i++) await w.put(`img-${i}.jpg`, digest(i));
    await w.finish([{ source: 'bad.jpg', reason: 'not an image' }]);
    expect(readdirSync(join(file, '..'))).toEqual(['digests.jsonl']);
    const sink = kept();
    const r = await readDigests(file, sink);
    expect(r).toEqual({ classifier: 'kmeans', count: 300, skipped: [{ source: 'bad.jpg', reason: 'not an image' }] });
    expect(sink.got).toEqual(Array.from({ length: 300 }, (_, i) => ({ source: `img-${i}.jpg`, d: encodeDigest(digest(i)) })));
  });

  it('reads the first format (the count in the header), which shards of an earlier version wrote', async () => {
    const file = join(await folder(), 'digests.jsonl');
    const lines = [
      { format: 'acseg-digests/1', classifier: 'kmeans', items: 2 },
      { source: 'a.jpg', digest: encodeDigest(digest(0)) },
      { source: 'b.jpg', digest: encodeDigest(digest(1)) },
      { skipped: [] },
    ];
    writeFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const sink = kept();
    expect(await readDigests(file, sink)).toEqual({ classifier: 'kmeans', count: 2, skipped: [] });
    expect(sink.got).toEqual([
      { source: 'a.jpg', d: encodeDigest(digest(0)) },
      { source: 'b.jpg', d: encodeDigest(digest(1)) },
    ]);
  });

  it('refuses a file cut short, one of another kind, bad JSON and a missing file, naming it', async () => {
    const dir = await folder();
    const file = join(dir, 'digests.jsonl');
    const w = DigestsWriter.open(file, 'kmeans');
    for (let i = 0; i < 3; i++) await w.put(`img-${i}.jpg`, digest(i));
    await w.finish([]);
    const text = await readFile(file, 'utf8');
    const all = text.split('\n').filter(Boolean);
    const cases: Array<[string, RegExp]> = [
      [all.slice(0, 3).join('\n'), /cut short/],
      [[...all.slice(0, 2), all[3], all[4]].join('\n'), /cut short/],
      [[...all, all[1]].join('\n'), /cut short/],
      [['{"format":"acseg-prepared/1"}', ...all.slice(1)].join('\n'), /not a digests file \(format "acseg-prepared\/1"/],
      [[all[0], '{"source": "a.jpg", "dig'].join('\n'), /not a digests file \(bad JSON\)/],
    ];
    for (const [content, error] of cases) {
      writeFileSync(file, content);
      await expect(readDigests(file)).rejects.toThrow(error);
      await expect(readDigests(file)).rejects.toThrow(file);
    }
    await expect(readDigests(join(dir, 'none.jsonl'))).rejects.toThrow(/none\.jsonl: cannot read \(ENOENT/);
  });

  it('a stopped shard leaves no file', async () => {
    const dir = await folder();
    const w = DigestsWriter.open(join(dir, 'digests.jsonl'), 'kmeans');
    await w.put('a.jpg', digest(0));
    await w.abort();
    expect(readdirSync(dir)).toEqual([]);
  });
});
