import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AcsegError } from '@acseg/core';
import { mergeFeatureCaches, writeFeatureCache, type CacheIndex } from './index.js';
import { FakeBackbone } from './testing/fake-backbone.js';

const made: string[] = [];
async function tmp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fcache-merge-'));
  made.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Files of a cache folder with their bytes, index.json without its timestamp. */
async function contents(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    if (!/^shard-\d+\.safetensors$|^index\.json$/.test(name)) continue;
    const bytes = await readFile(join(dir, name));
    if (name === 'index.json') {
      const ix = JSON.parse(bytes.toString('utf8')) as CacheIndex;
      expect(ix.updated).toMatch(/^\d{4}-\d\d-\d\dT/);
      out[name] = bytes.toString('utf8').replace(`"updated":"${ix.updated}"`, '"updated":""');
    } else {
      out[name] = bytes.toString('base64');
    }
  }
  return out;
}

// Sorted: two images named 1.jpg (the second is "1-2" for one process), and one unreadable image.
const images = [
  '/data/a/1.jpg',
  '/data/a/2.jpg',
  '/data/a/3.jpg',
  '/data/a/bad.jpg',
  '/data/b/1.jpg',
  '/data/b/2.jpg',
  '/data/b/4.jpg',
  '/data/c/5.jpg',
  '/data/c/6.jpg',
  '/data/c/7.jpg',
  '/data/d/1.jpg',
];

describe('mergeFeatureCaches', () => {
  it('gives, from 3 parts, the same bytes as one process over the whole list (shards re-cut, ids given again)', async () => {
    const root = await tmp();
    const one = join(root, 'one');
    await writeFeatureCache({ backbone: new FakeBackbone(), images, out: one, shardSize: 4, flushSeconds: 3600 });
    // Contiguous parts of the sorted list, written with another shard size, the second in reverse order.
    const cuts = [images.slice(0, 3), [...images.slice(3, 7)].reverse(), images.slice(7)];
    const parts = cuts.map((_, i) => join(root, `part-${i}`));
    for (const [i, list] of cuts.entries())
      await writeFeatureCache({ backbone: new FakeBackbone(), images: list, out: parts[i], shardSize: 2, flushSeconds: 3600 });
    expect((JSON.parse(await readFile(join(parts[1], 'index.json'), 'utf8')) as CacheIndex).images.map((im) => im.id)).toEqual(['4', '2', '1']);

    const merged = join(root, 'merged');
    const r = await mergeFeatureCaches({ parts, out: merged, shardSize: 4 });
    expect(r).toEqual({ images: 10, skipped: 1, shards: 3 });
    const want = await contents(one);
    expect(Object.keys(want)).toEqual(['index.json', 'shard-00000.safetensors', 'shard-00001.safetensors', 'shard-00002.safetensors']);
    expect(await contents(merged)).toEqual(want);
    const ix = JSON.parse(want['index.json']) as CacheIndex;
    expect(ix.images.map((im) => im.id)).toEqual(['1', '2', '3', '1-2', '2-2', '4', '5', '6', '7', '1-3']);
  });

  it('re-cuts to the shard size asked for, and a cache of no image merges to an empty cache', async () => {
    const root = await tmp();
    const parts = [join(root, 'p0'), join(root, 'p1')];
    await writeFeatureCache({ backbone: new FakeBackbone(), images: images.slice(0, 5), out: parts[0], flushSeconds: 3600 });
    await writeFeatureCache({ backbone: new FakeBackbone(), images: [], out: parts[1], flushSeconds: 3600 });
    const one = join(root, 'one');
    await writeFeatureCache({ backbone: new FakeBackbone(), images: images.slice(0, 5), out: one, shardSize: 3, flushSeconds: 3600 });
    await mergeFeatureCaches({ parts, out: join(root, 'm'), shardSize: 3 });
    expect(await contents(join(root, 'm'))).toEqual(await contents(one));
  });

  it('refuses parts of different models, naming both, and writes nothing', async () => {
    const root = await tmp();
    const a = join(root, 'a');
    const b = join(root, 'b');
    await writeFeatureCache({ backbone: new FakeBackbone(), images: images.slice(0, 2), out: a });
    await writeFeatureCache({ backbone: new FakeBackbone({ model: 'other-vit' }), images: images.slice(2, 4), out: b });
    const out = join(root, 'merged');
    const e = await mergeFeatureCaches({ parts: [a, b], out }).catch((x: unknown) => x as AcsegError);
    expect(e).toBeInstanceOf(AcsegError);
    expect((e as AcsegError).code).toBe('BAD_CONFIG');
    expect((e as AcsegError).message).toBe(
      `${b} holds features of model other-vit, input 48, patch 16, dim 6, 2 heads, but ${a} holds model fake-vit, input 48, patch 16, dim 6, 2 heads (model fake-vit ≠ other-vit); cannot merge them`,
    );
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });

  it('refuses to overwrite a cache, and replaces the shard files of a merge stopped before its index', async () => {
    const root = await tmp();
    const p = join(root, 'p');
    await writeFeatureCache({ backbone: new FakeBackbone(), images: images.slice(0, 3), out: p });
    const out = join(root, 'out');
    await mergeFeatureCaches({ parts: [p], out });
    const before = await contents(out);
    const again = await mergeFeatureCaches({ parts: [p], out }).catch((x: unknown) => x as AcsegError);
    expect((again as AcsegError).message).toBe(`${out} already holds a feature cache (index.json); not overwriting it`);
    expect(await contents(out)).toEqual(before);

    await rm(join(out, 'index.json'));
    await writeFile(join(out, 'shard-00000.safetensors'), 'half a shard');
    await writeFile(join(out, 'shard-00007.safetensors'), 'stray');
    await mergeFeatureCaches({ parts: [p], out });
    expect(await contents(out)).toEqual(before);
  });
});
