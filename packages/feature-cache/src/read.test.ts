import { spawnSync } from 'node:child_process';
import { open, readFile, truncate, writeFile, copyFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@acseg/core/testing';
import { AcsegError } from '@acseg/core';
import { FeatureCache, writeFeatureCache, type CacheIndex } from './index.js';
import { FakeBackbone } from './testing/fake-backbone.js';

// Every temp folder this file makes, removed once its tests are done.
afterAll(removeTempDirs);

const images = Array.from({ length: 7 }, (_, i) => `/data/p${i}.png`);

async function makeCache(opts: { model?: string } = {}): Promise<string> {
  const dir = await tempDir('fcache-r-');
  await writeFeatureCache({ backbone: new FakeBackbone(opts), images, out: dir, shardSize: 3 });
  return dir;
}

async function rejection(p: Promise<unknown>): Promise<AcsegError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AcsegError);
  return e as AcsegError;
}

describe('FeatureCache: damaged files give errors that name the file', () => {
  it('a folder without index.json', async () => {
    const dir = await tempDir('fcache-r-');
    const e = await rejection(FeatureCache.open(dir));
    expect(e.message).toBe(`${join(dir, 'index.json')}: not found; this folder is not a feature cache`);
  });

  it('a truncated or inconsistent index', async () => {
    const dir = await makeCache();
    const file = join(dir, 'index.json');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, text.length - 40));
    let e = await rejection(FeatureCache.open(dir));
    expect(e.message).toMatch(new RegExp(`^${file}: not valid JSON .* may be truncated`));
    // A writer refuses it too rather than overwriting it.
    e = await rejection(writeFeatureCache({ backbone: new FakeBackbone(), images, out: dir }));
    expect(e.file).toBe(file);

    const index = JSON.parse(text) as CacheIndex;
    index.images[2].row = 9;
    await writeFile(file, JSON.stringify(index));
    e = await rejection(FeatureCache.open(join(dir, 'index.json')));
    expect(e.message).toBe(`${file}: image entry 2 (p2) points to shard 0 row 9, which does not exist`);

    await writeFile(file, JSON.stringify({ ...JSON.parse(text), format: 'something-else' }));
    e = await rejection(FeatureCache.open(dir));
    expect(e.message).toContain('not a feature cache index');
  });

  it('a truncated shard is reported at open, and a writer will not resume on it', async () => {
    const dir = await makeCache();
    const shard = join(dir, 'shard-00001.safetensors');
    await truncate(shard, 100);
    let e = await rejection(FeatureCache.open(dir));
    expect(e.message).toMatch(new RegExp(`^${shard}: shard file holds 100 bytes, the index records \\d+ \\(truncated or replaced\\)`));
    e = await rejection(writeFeatureCache({ backbone: new FakeBackbone(), images, out: dir }));
    expect(e.file).toBe(shard);
  });

  it('a shard whose header is garbage, or that belongs to another cache', async () => {
    const dir = await makeCache();
    const shard = join(dir, 'shard-00000.safetensors');
    const fh = await open(shard, 'r+');
    try {
      await fh.write(new Uint8Array(8).fill(0xff), 0, 8, 0);
    } finally {
      await fh.close();
    }
    const cache = await FeatureCache.open(dir);
    try {
      await expect(cache.read([5])).resolves.toHaveLength(1); // other shards still read
      const e = await rejection(cache.read([1]));
      expect(e.message).toMatch(new RegExp(`^${shard}: not a readable shard \\(not a safetensors file`));
    } finally {
      await cache.close();
    }

    const other = await makeCache();
    const dir2 = await makeCache();
    // Same size and layout, other image ids: as if copied from another run.
    const idx = JSON.parse(await readFile(join(dir2, 'index.json'), 'utf8')) as CacheIndex;
    idx.images.forEach((im) => {
      im.id = `x${im.id}`;
    });
    await writeFile(join(dir2, 'index.json'), JSON.stringify(idx));
    await copyFile(join(other, 'shard-00000.safetensors'), join(dir2, 'shard-00000.safetensors'));
    const cache2 = await FeatureCache.open(dir2);
    try {
      const e2 = await rejection(cache2.read([0]));
      expect(e2.message).toContain('shard-00000.safetensors: the image ids stored in the shard differ from the index');
    } finally {
      await cache2.close();
    }
  });

  it('a shard truncated while open, and a flipped byte found by verify()', async () => {
    const dir = await makeCache();
    const shard = join(dir, 'shard-00002.safetensors');
    const cache = await FeatureCache.open(dir);
    try {
      await cache.read([6]);
      await cache.verify();
      const fh = await open(shard, 'r+');
      let size: number;
      try {
        size = (await fh.stat()).size;
        const b = new Uint8Array(1);
        await fh.read(b, 0, 1, size - 1);
        b[0] ^= 1;
        await fh.write(b, 0, 1, size - 1);
      } finally {
        await fh.close();
      }
      let e = await rejection(cache.verify());
      expect(e.message).toMatch(new RegExp(`^${shard}: SHA-256 [0-9a-f]{64} differs from the index's`));
      await truncate(shard, size - 8);
      e = await rejection(cache.read([6]));
      expect(e.message).toMatch(/shard-00002.safetensors: tensor "tokens" row 0 is cut short/);
    } finally {
      await cache.close();
    }
  });
});

const script = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../tools/feature-cache/read_cache.py');
// The python3 on PATH (often pyenv's), else Debian's, which .ci/run gives python3-numpy.
const pythons = ['python3', '/usr/bin/python3'];
const python = pythons.find((p) => spawnSync(p, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0);
// Outside CI a machine without numpy skips this check; CI must run it (.ci/run installs python3-numpy).
const inCi = !['', '0', 'false'].includes(process.env.CI ?? '');

describe('tools/feature-cache/read_cache.py (the documented format, read by an independent reader)', () => {
  let dir = '';
  beforeAll(async () => {
    if (!python && !inCi) console.warn(`skipping the Python reader test: none of ${pythons.join(', ')} can import numpy`);
    else if (python) dir = await makeCache({ model: 'py-check' });
  });

  it.skipIf(!python && !inCi)('reads every value, shape, size and id as the TypeScript reader does (needs python3 + numpy)', async () => {
    if (!python) throw new Error(`CI is set but none of ${pythons.join(', ')} can import numpy: install python3-numpy (.ci/run does)`);
    const cache = await FeatureCache.open(dir);
    try {
      await compareWithPython(python, cache);
    } finally {
      await cache.close();
    }
    const summary = spawnSync(python, [script, dir], { encoding: 'utf8' });
    expect(summary.stdout).toContain('7 images, model py-check');
  });

  async function compareWithPython(python: string, cache: FeatureCache): Promise<void> {
    for (const id of ['p0', 'p4', 'p6']) {
      const run = spawnSync(python, [script, dir, '--dump', id], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      const py = JSON.parse(run.stdout) as {
        id: string;
        source: string;
        imageSize: number[];
        grid: number[];
        tokensShape: number[];
        tokens: number[];
        cls: number[];
        attention: number[];
      };
      const [f] = await cache.read([cache.indexOf(id)]);
      expect(py.id).toBe(id);
      expect(py.source).toBe(f.source);
      expect(py.imageSize).toEqual([f.imageSize.width, f.imageSize.height]);
      expect(py.grid).toEqual([f.grid.h, f.grid.w]);
      expect(py.tokensShape).toEqual([f.grid.h * f.grid.w, f.dim]);
      expect(py.tokens).toEqual(Array.from(f.tokens));
      expect(py.cls).toEqual(Array.from(f.cls!));
      expect(py.attention).toEqual(Array.from(f.attention!.data));
    }
  }
});
