import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@acseg/core/testing';
import { CacheRoomError, freeBytes, mergeFeatureCaches, sizeText, writeFeatureCache } from './index.js';
import { FakeBackbone, type FakeOptions } from './testing/fake-backbone.js';

afterAll(removeTempDirs);
const tmp = () => tempDir('fcache-room-');

// Rows of ~4.5 KB (4×4 patches of 64 + 2 heads, and a CLS), so the rows, not the headers, make most of the bytes.
const SHAPE: FakeOptions = { dim: 64, heads: 2, grid: { h: 4, w: 4 }, cls: true };
const names = (n: number, prefix = 'img') => Array.from({ length: n }, (_, i) => `/data/${prefix}${String(i).padStart(3, '0')}.jpg`);

/** Bytes the cache's files hold on disk (shards and index). */
async function cacheBytes(dir: string): Promise<number> {
  let n = 0;
  for (const name of await readdir(dir)) if (/^shard-\d+\.safetensors$|^index\.json$/.test(name)) n += (await stat(join(dir, name))).size;
  return n;
}

const shardFiles = async (dir: string) => (await readdir(dir)).filter((n) => n.endsWith('.safetensors'));

describe('the feature cache checks the disk has room before writing', () => {
  it('stops after the first image when the images left would not fit, naming the folder; none are written', async () => {
    const out = join(await tmp(), 'cache');
    const bb = new FakeBackbone(SHAPE);
    const asked: string[] = [];
    const err = await writeFeatureCache({
      backbone: bb,
      images: names(40),
      out,
      shardSize: 16,
      diskFree: async (dir) => {
        asked.push(dir);
        return 100_000;
      },
      roomHint: 'give --features-cache elsewhere',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheRoomError);
    const e = err as CacheRoomError;
    expect(asked).toEqual([out]);
    expect(e.message).toContain(`${out}: the feature cache needs about`);
    expect(e.message).toContain('for 40 images');
    expect(e.message).toContain('100 KB free');
    expect(e.hint).toBe('give --features-cache elsewhere');
    expect(e.file).toBe(out);
    expect(e.need).toBeGreaterThan(40 * e.perImage);
    expect(e.perImage).toBe(4 * (16 * (64 + 2) + 64));
    // The backbone was asked for one image's features, no more, and nothing went to disk.
    expect(bb.yielded).toBe(1);
    expect(await shardFiles(out)).toEqual([]);
  });

  it('asks for at least what the cache takes on disk, and not half as much again (checked against the bytes written)', async () => {
    const root = await tmp();
    const images = names(40);
    // The cache written with no check, measured on disk.
    await writeFeatureCache({ backbone: new FakeBackbone(SHAPE), images, out: join(root, 'ref'), shardSize: 16, diskFree: async () => undefined });
    const actual = await cacheBytes(join(root, 'ref'));
    expect(actual).toBeGreaterThan(40 * 4 * (16 * 66 + 64));

    // A byte less than the cache takes stops the run ...
    const short = join(root, 'short');
    await expect(
      writeFeatureCache({ backbone: new FakeBackbone(SHAPE), images, out: short, shardSize: 16, diskFree: async () => actual - 1 }),
    ).rejects.toBeInstanceOf(CacheRoomError);
    // ... and half as much again lets it through, writing the same bytes.
    const roomy = join(root, 'roomy');
    const r = await writeFeatureCache({ backbone: new FakeBackbone(SHAPE), images, out: roomy, shardSize: 16, diskFree: async () => Math.ceil(actual * 1.5) });
    expect(r.written).toBe(40);
    expect(await cacheBytes(roomy)).toBe(actual);
  });

  it('checks a resumed cache before computing anything, counting only the images left', async () => {
    const out = join(await tmp(), 'cache');
    const images = names(30);
    await writeFeatureCache({ backbone: new FakeBackbone(SHAPE), images: images.slice(0, 20), out, shardSize: 8 });
    const before = await readFile(join(out, 'index.json'), 'utf8');
    const perImage = 4 * (16 * 66 + 64);

    const bb = new FakeBackbone(SHAPE);
    const err = (await writeFeatureCache({ backbone: bb, images, out, shardSize: 8, diskFree: async () => 5 * perImage }).catch(
      (e: unknown) => e,
    )) as CacheRoomError;
    expect(err).toBeInstanceOf(CacheRoomError);
    expect(err.images).toBe(10);
    expect(bb.yielded).toBe(0);
    expect(await readFile(join(out, 'index.json'), 'utf8')).toBe(before);

    // Nothing left to compute: no check, however full the disk.
    const again = await writeFeatureCache({ backbone: new FakeBackbone(SHAPE), images: images.slice(0, 20), out, shardSize: 8, diskFree: async () => 0 });
    expect(again).toMatchObject({ written: 0, resumed: 20 });
  });

  it('checks a merge before copying rows: the merged cache needs the parts’ room again', async () => {
    const root = await tmp();
    const parts = [join(root, 'p0'), join(root, 'p1')];
    await writeFeatureCache({ backbone: new FakeBackbone(SHAPE), images: names(12, 'a'), out: parts[0], shardSize: 8 });
    await writeFeatureCache({ backbone: new FakeBackbone(SHAPE), images: names(12, 'b'), out: parts[1], shardSize: 8 });
    const partBytes = (await cacheBytes(parts[0])) + (await cacheBytes(parts[1]));

    const out = join(root, 'merged');
    const err = (await mergeFeatureCaches({ parts, out, shardSize: 8, diskFree: async () => partBytes - 1 }).catch((e: unknown) => e)) as CacheRoomError;
    expect(err).toBeInstanceOf(CacheRoomError);
    expect(err.message).toContain(`${out}: the feature cache needs about`);
    expect(err.images).toBe(24);
    expect(await shardFiles(out)).toEqual([]);

    const r = await mergeFeatureCaches({ parts, out, shardSize: 8, diskFree: async () => Math.ceil(partBytes * 1.5) });
    expect(r.images).toBe(24);
  });
});

describe('freeBytes', () => {
  it('reads the free bytes of a real folder, and says nothing for a missing one', async () => {
    const dir = await tmp();
    await mkdir(join(dir, 'sub'));
    const n = await freeBytes(join(dir, 'sub'));
    expect(n).toBeGreaterThan(0);
    expect(Number.isInteger(n)).toBe(true);
    expect(await freeBytes(join(dir, 'no', 'such', 'folder'))).toBeUndefined();
  });
});

describe('sizeText', () => {
  it('prints decimal units with two or three significant figures', () => {
    expect(sizeText(0)).toBe('0 bytes');
    expect(sizeText(999)).toBe('999 bytes');
    expect(sizeText(1500)).toBe('1.5 KB');
    expect(sizeText(312_400_000)).toBe('312 MB');
    expect(sizeText(118e9)).toBe('118 GB');
    expect(sizeText(2.45e12)).toBe('2.5 TB');
  });
});
