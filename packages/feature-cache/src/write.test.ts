import { readFileSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@acseg/core/testing';
import { AcsegError, type FeatureMap } from '@acseg/core';
import { FeatureCache, writeFeatureCache, type CacheIndex } from './index.js';
import { FakeBackbone, fakeFeatures } from './testing/fake-backbone.js';

// Every temp folder this file makes, removed once its tests are done.
afterAll(removeTempDirs);
const tmp = () => tempDir('fcache-');

const names = (n: number, prefix = 'img') => Array.from({ length: n }, (_, i) => `/data/${prefix}${String(i).padStart(3, '0')}.jpg`);
const readIndex = async (dir: string) => JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as CacheIndex;

/** What the fake backbone gives for a path, recomputed independently of the cache. */
function expected(bb: FakeBackbone, source: string): FeatureMap {
  const id = source
    .split('/')
    .pop()!
    .replace(/\.[^.]*$/, '');
  return fakeFeatures(source, id, bb.opts);
}

async function readAll(dir: string): Promise<FeatureMap[]> {
  const cache = await FeatureCache.open(dir);
  const maps = await cache.read(cache.ids.map((_, i) => i));
  await cache.close();
  return maps;
}

function expectSame(got: FeatureMap, want: FeatureMap): void {
  expect(got.id).toBe(want.id);
  expect(got.source).toBe(want.source);
  expect(got.grid).toEqual(want.grid);
  expect(got.dim).toBe(want.dim);
  expect(got.imageSize).toEqual(want.imageSize);
  expect(Array.from(got.tokens)).toEqual(Array.from(want.tokens));
  expect(got.cls ? Array.from(got.cls) : undefined).toEqual(want.cls ? Array.from(want.cls) : undefined);
  expect(got.attention?.heads).toBe(want.attention?.heads);
  expect(got.attention ? Array.from(got.attention.data) : undefined).toEqual(want.attention ? Array.from(want.attention.data) : undefined);
}

describe('writeFeatureCache', () => {
  it('round-trips every value exactly, across shard boundaries, in any read order', async () => {
    const dir = await tmp();
    const bb = new FakeBackbone();
    const images = names(10);
    const res = await writeFeatureCache({ backbone: bb, images, out: dir, shardSize: 4 });
    expect(res).toEqual({ written: 10, skipped: [], resumed: 0, total: 10 });
    const index = await readIndex(dir);
    expect(index.shards.map((s) => [s.file, s.count])).toEqual([
      ['shard-00000.safetensors', 4],
      ['shard-00001.safetensors', 4],
      ['shard-00002.safetensors', 2],
    ]);
    expect(index.images.map((im) => [im.shard, im.row])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 0],
      [1, 1],
      [1, 2],
      [1, 3],
      [2, 0],
      [2, 1],
    ]);
    expect(index.grid).toEqual({ h: 2, w: 3 });
    expect(index.info).toEqual({ model: 'fake-vit', inputSize: 48, patchSize: 16, dim: 6, heads: 2, hasAttention: true });

    const cache = await FeatureCache.open(dir, { openShards: 1 });
    expect(cache.length).toBe(10);
    expect(cache.dim).toBe(6);
    expect(cache.ids[7]).toBe('img007');
    expect(cache.indexOf('img003')).toBe(3);
    expect(cache.indexOf('nope')).toBe(-1);
    const order = [9, 0, 5, 3, 4, 8, 5, 1];
    const maps = await cache.read(order);
    order.forEach((i, k) => expectSame(maps[k], expected(bb, images[i])));
    await expect(cache.read([10])).rejects.toThrow(/out of range/);
    await cache.verify();
    await cache.close();
  });

  it('makes no empty shard when the count divides evenly, and handles shardSize 1 and > count', async () => {
    for (const [n, size, counts] of [
      [8, 4, [4, 4]],
      [3, 1, [1, 1, 1]],
      [3, 100, [3]],
    ] as const) {
      const dir = await tmp();
      await writeFeatureCache({ backbone: new FakeBackbone(), images: names(n), out: dir, shardSize: size });
      expect((await readIndex(dir)).shards.map((s) => s.count)).toEqual(counts);
      expect((await readAll(dir)).map((m) => m.id)).toEqual(names(n).map((s) => s.slice(6, 12)));
    }
  });

  it('puts fewer images in a shard when they are large: a shard holds at most maxShardBytes of tensors', async () => {
    // The fake's row: 2×3 patches × (6 dims + 2 heads) + a 6-d CLS = 54 floats = 216 bytes.
    const dir = await tmp();
    await writeFeatureCache({ backbone: new FakeBackbone(), images: names(10), out: dir, maxShardBytes: 1000 });
    const index = await readIndex(dir);
    expect(index.shards.map((s) => s.count)).toEqual([4, 4, 2]);
    // The tensors of a full shard, read from its safetensors header, fit the bound.
    const file = readFileSync(join(dir, index.shards[0].file));
    const header = JSON.parse(file.subarray(8, 8 + Number(file.readBigUInt64LE(0))).toString()) as Record<string, { data_offsets?: [number, number] }>;
    const bytes = Object.values(header).reduce((a, t) => a + (t.data_offsets ? t.data_offsets[1] - t.data_offsets[0] : 0), 0);
    expect(bytes).toBe(4 * 216);
    expect((await readAll(dir)).map((m) => m.id)).toEqual(names(10).map((s) => s.slice(6, 12)));
  });

  it('stores a backbone without CLS or attention', async () => {
    const dir = await tmp();
    const bb = new FakeBackbone({ cls: false, heads: 0, dim: 5, grid: { h: 3, w: 3 } });
    await writeFeatureCache({ backbone: bb, images: names(3), out: dir, shardSize: 2 });
    const maps = await readAll(dir);
    maps.forEach((m, i) => expectSame(m, expected(bb, names(3)[i])));
    expect(maps[0].cls).toBeUndefined();
    expect(maps[0].attention).toBeUndefined();
  });

  it('never holds more than one shard of maps: pulls lazily and writes each full shard before pulling on', async () => {
    const dir = await tmp();
    const bb = new FakeBackbone();
    const shardSize = 4;
    let maxHeld = 0;
    bb.onYield = (yielded) => {
      let stored = 0;
      try {
        stored = (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as CacheIndex).images.length;
      } catch {
        /* no index yet */
      }
      // Maps pulled but not yet in a written shard, counting the one handed over now.
      maxHeld = Math.max(maxHeld, yielded + 1 - stored);
    };
    await writeFeatureCache({ backbone: bb, images: names(25), out: dir, shardSize });
    expect(bb.yielded).toBe(25);
    expect(maxHeld).toBeLessThanOrEqual(shardSize);
    expect(maxHeld).toBe(shardSize); // the check is live: it does see a full shard held
  });

  it('resumes after an abort with the same final content and no duplicates', async () => {
    const images = names(11);
    const fresh = await tmp();
    await writeFeatureCache({ backbone: new FakeBackbone(), images, out: fresh, shardSize: 3 });

    const dir = await tmp();
    const ctl = new AbortController();
    const bb1 = new FakeBackbone();
    bb1.onYield = (k) => {
      if (k === 7) ctl.abort();
    };
    const err = await writeFeatureCache({ backbone: bb1, images, out: dir, shardSize: 3, signal: ctl.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AcsegError);
    expect((err as AcsegError).code).toBe('INTERRUPTED');
    expect((err as AcsegError).message).toContain(dir);
    expect(bb1.yielded).toBe(8);
    expect((await readIndex(dir)).images).toHaveLength(8); // the shard in progress was saved on abort

    const bb2 = new FakeBackbone();
    const res = await writeFeatureCache({ backbone: bb2, images, out: dir, shardSize: 3 });
    expect(res).toEqual({ written: 3, skipped: [], resumed: 8, total: 11 });
    expect(bb2.calls).toEqual([3]); // only the missing images were computed
    const [a, b] = [await readAll(fresh), await readAll(dir)];
    expect(b.map((m) => m.id)).toEqual(a.map((m) => m.id));
    b.forEach((m, i) => expectSame(m, a[i]));

    const again = await writeFeatureCache({ backbone: new FakeBackbone(), images, out: dir });
    expect(again).toEqual({ written: 0, skipped: [], resumed: 11, total: 11 });
  });

  it('resumes after a crash that left a temp file and an unindexed shard behind', async () => {
    const images = names(9);
    const dir = await tmp();
    const bb1 = new FakeBackbone();
    bb1.crashAt = 7;
    await expect(writeFeatureCache({ backbone: bb1, images, out: dir, shardSize: 3 })).rejects.toThrow('fake backbone crashed');
    expect((await readIndex(dir)).images).toHaveLength(7);
    // As if killed between writing a shard and the index, and during a write.
    await writeFile(join(dir, 'shard-00003.safetensors'), 'half a shard');
    await writeFile(join(dir, 'index.json.tmp-123-456'), '{"trunc');
    const res = await writeFeatureCache({ backbone: new FakeBackbone(), images, out: dir, shardSize: 3 });
    expect(res).toMatchObject({ written: 2, resumed: 7, total: 9 });
    expect((await readdir(dir)).sort()).toEqual([
      'index.json',
      'shard-00000.safetensors',
      'shard-00001.safetensors',
      'shard-00002.safetensors',
      'shard-00003.safetensors',
    ]);
    const maps = await readAll(dir);
    const bb = new FakeBackbone();
    maps.forEach((m, i) => expectSame(m, expected(bb, images[i])));
  });

  it('records bad images, goes on, and tries them again on the next run', async () => {
    const images = ['/d/a.jpg', '/d/bad1.jpg', '/d/b.jpg', '/d/bad2.png', '/d/c.jpg'];
    const dir = await tmp();
    const res = await writeFeatureCache({ backbone: new FakeBackbone(), images, out: dir, shardSize: 2 });
    expect(res.written).toBe(3);
    expect(res.skipped).toEqual([
      { source: '/d/bad1.jpg', message: '/d/bad1.jpg: not a decodable image (fake)' },
      { source: '/d/bad2.png', message: '/d/bad2.png: not a decodable image (fake)' },
    ]);
    const cache = await FeatureCache.open(dir);
    expect(cache.ids).toEqual(['a', 'b', 'c']);
    expect(cache.skipped).toEqual(res.skipped);
    const bb = new FakeBackbone();
    const res2 = await writeFeatureCache({ backbone: bb, images, out: dir, shardSize: 2 });
    expect(bb.calls).toEqual([2]);
    expect(res2).toEqual({ written: 0, skipped: res.skipped, resumed: 3, total: 3 });
    expect((await readIndex(dir)).skipped).toHaveLength(2);
  });

  it('refuses a cache made with another model, input size or dimension, naming both', async () => {
    const dir = await tmp();
    await writeFeatureCache({ backbone: new FakeBackbone({ model: 'dino-vits16' }), images: names(2), out: dir });
    for (const other of [{ model: 'dino-vitb8' }, { model: 'dino-vits16', inputSize: 96 }, { model: 'dino-vits16', dim: 8 }]) {
      const err = await writeFeatureCache({ backbone: new FakeBackbone(other), images: names(3), out: dir }).then(
        () => null,
        (e: unknown) => e as AcsegError,
      );
      if (!err) throw new Error('expected a refusal');
      expect(err).toBeInstanceOf(AcsegError);
      expect(err.code).toBe('BAD_INPUT');
      expect(err.message).toContain(dir);
      expect(err.message).toContain('holds features of model dino-vits16, input 48');
      expect(err.message).toContain(`asks for model ${other.model}`);
    }
    expect((await readIndex(dir)).images).toHaveLength(2);
  });

  it('keeps ids unique when two folders hold the same file name', async () => {
    const dir = await tmp();
    await writeFeatureCache({ backbone: new FakeBackbone(), images: ['/x/cat/1.jpg', '/x/dog/1.jpg', '/x/cat/1.jpg'], out: dir });
    const cache = await FeatureCache.open(dir);
    expect(cache.ids).toEqual(['1', '1-2']);
    expect(cache.images.map((im) => im.source)).toEqual(['/x/cat/1.jpg', '/x/dog/1.jpg']);
  });

  it('lets one writer at a time append to a cache, and takes over a lock left by a dead process', async () => {
    const dir = await tmp();
    const slow = new FakeBackbone();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    slow.extract = async function* (images) {
      started();
      await gate;
      yield* FakeBackbone.prototype.extract.call(this, images);
    };
    const first = writeFeatureCache({ backbone: slow, images: names(3), out: dir });
    await running;
    await expect(writeFeatureCache({ backbone: new FakeBackbone(), images: names(3), out: dir })).rejects.toThrow(
      `${dir}: this process is already writing this feature cache`,
    );
    release();
    expect((await first).written).toBe(3);
    expect(await readdir(dir)).not.toContain('.writer.lock');

    await writeFile(join(dir, '.writer.lock'), String(process.ppid)); // a live process
    await expect(writeFeatureCache({ backbone: new FakeBackbone(), images: names(4), out: dir })).rejects.toThrow(
      `${dir}: another run (process ${process.ppid}) is writing this feature cache`,
    );
    await writeFile(join(dir, '.writer.lock'), String(2 ** 22 + 1)); // above Linux's pid_max: no such process
    expect((await writeFeatureCache({ backbone: new FakeBackbone(), images: names(4), out: dir })).written).toBe(1);
  });

  it('refuses a shardSize that is not a positive integer and an --out that is a file', async () => {
    const dir = await tmp();
    await expect(writeFeatureCache({ backbone: new FakeBackbone(), images: names(1), out: dir, shardSize: 0 })).rejects.toThrow(/shardSize/);
    await writeFile(join(dir, 'f'), 'x');
    await expect(writeFeatureCache({ backbone: new FakeBackbone(), images: names(1), out: join(dir, 'f') })).rejects.toThrow(/is not a folder/);
  });
});
