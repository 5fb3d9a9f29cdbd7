import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { FeatureMap } from '@acseg/core';
import { FeatureCache, writeFeatureCache, type CacheIndex } from './index.js';
import { FakeBackbone, fakeFeatures } from './testing/fake-backbone.js';

const made: string[] = [];
async function tmp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fcache-flush-'));
  made.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});
afterEach(() => {
  vi.restoreAllMocks();
});

const names = (n: number) => Array.from({ length: n }, (_, i) => `/data/img${String(i).padStart(3, '0')}.jpg`);
const readIndex = async (dir: string) => JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as CacheIndex;
const storedNow = (dir: string): number => {
  try {
    return (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as CacheIndex).images.length;
  } catch {
    return 0;
  }
};

async function readAll(dir: string): Promise<FeatureMap[]> {
  const cache = await FeatureCache.open(dir);
  await cache.verify();
  const maps = await cache.read(cache.ids.map((_, i) => i));
  await cache.close();
  return maps;
}

/** Every stored value equals what the fake backbone computes for that path (recomputed here, not read). */
function expectFeaturesOf(maps: FeatureMap[], images: string[]): void {
  const bb = new FakeBackbone();
  expect(maps.map((m) => m.source)).toEqual(images);
  maps.forEach((m, i) => {
    const want = fakeFeatures(images[i], m.id, bb.opts);
    expect(m.id).toBe(images[i].slice(6, 12));
    expect(m.imageSize).toEqual(want.imageSize);
    expect(Array.from(m.tokens)).toEqual(Array.from(want.tokens));
    expect(Array.from(m.cls!)).toEqual(Array.from(want.cls!));
    expect(Array.from(m.attention!.data)).toEqual(Array.from(want.attention!.data));
  });
}

/** A cache of `images` written in one go, with no time flush: what a flushed or resumed cache must equal. */
async function reference(images: string[]): Promise<FeatureMap[]> {
  const dir = await tmp();
  await writeFeatureCache({ backbone: new FakeBackbone(), images, out: dir, flushSeconds: Infinity });
  expect((await readIndex(dir)).shards.map((s) => s.count)).toEqual([images.length]);
  return readAll(dir);
}

function expectSameMaps(got: FeatureMap[], want: FeatureMap[]): void {
  expect(got.map((m) => m.id)).toEqual(want.map((m) => m.id));
  got.forEach((m, i) => {
    expect(m.imageSize).toEqual(want[i].imageSize);
    expect(
      Buffer.from(m.tokens.buffer, m.tokens.byteOffset, m.tokens.byteLength).equals(
        Buffer.from(want[i].tokens.buffer, want[i].tokens.byteOffset, want[i].tokens.byteLength),
      ),
    ).toBe(true);
    expect(Array.from(m.cls!)).toEqual(Array.from(want[i].cls!));
    expect(Array.from(m.attention!.data)).toEqual(Array.from(want[i].attention!.data));
  });
}

/** A backbone on a fake clock: every image takes 10 s. */
function slowBackbone(): FakeBackbone {
  let now = 0;
  vi.spyOn(Date, 'now').mockImplementation(() => now);
  const bb = new FakeBackbone();
  bb.onYield = () => {
    now += 10_000;
  };
  return bb;
}

describe('writeFeatureCache flushes finished work every flushSeconds', () => {
  it('writes what is done as a smaller shard every 30 s, so at most 30 s of work is ever unsaved; the features read back are those of an unflushed cache', async () => {
    const images = names(10);
    const dir = await tmp();
    const bb = slowBackbone();
    let maxUnsaved = 0;
    const onYield = bb.onYield!;
    bb.onYield = (k) => {
      maxUnsaved = Math.max(maxUnsaved, k - storedNow(dir)); // computed but not on disk, before image k
      return onYield(k);
    };
    const res = await writeFeatureCache({ backbone: bb, images, out: dir }); // default shardSize 256, flushSeconds 30
    expect(res).toEqual({ written: 10, skipped: [], resumed: 0, total: 10 });
    expect((await readIndex(dir)).shards.map((s) => s.count)).toEqual([3, 3, 3, 1]);
    expect(maxUnsaved).toBe(2); // 2 images = 20 s; the third completes 30 s and is written at once
    const maps = await readAll(dir);
    expectFeaturesOf(maps, images);
    expectSameMaps(maps, await reference(images));
  });

  it('a run killed after a flush (its folder copied as it was) keeps the flushed images; the next run computes only the rest', async () => {
    const images = names(10);
    const dir = await tmp();
    const killed = await tmp();
    const bb = slowBackbone();
    const onYield = bb.onYield!;
    bb.onYield = async (k) => {
      // Before image 5: images 0-2 are flushed, 3-4 are in memory only. The disk now is what SIGKILL would leave.
      if (k === 5) await cp(dir, killed, { recursive: true });
      return onYield(k);
    };
    await writeFeatureCache({ backbone: bb, images, out: dir });
    vi.restoreAllMocks();
    await writeFile(join(killed, '.writer.lock'), String(2 ** 22 + 1)); // the killed writer's pid: no such process now
    expect((await readIndex(killed)).images).toHaveLength(3);

    const again = new FakeBackbone();
    const res = await writeFeatureCache({ backbone: again, images, out: killed });
    expect(res).toEqual({ written: 7, skipped: [], resumed: 3, total: 10 });
    expect(again.calls).toEqual([7]);
    const maps = await readAll(killed);
    expectFeaturesOf(maps, images);
    expectSameMaps(maps, await reference(images));
  });

  it('a writer process killed with SIGKILL keeps what it flushed; resuming recomputes only the rest, byte-exact', async () => {
    const images = names(10);
    const dir = await tmp();
    // The child flushes after images 3 and 6 (fake clock) and is busy on image 8 when killed: image 7 is lost.
    const child = spawn(process.execPath, ['--conditions=@acseg/source', '--import', 'tsx', join(__dirname, 'testing/killable-writer.ts'), dir, '10', '7'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('close', (_code, signal) => done(signal)));
    const deadline = Date.now() + 50_000;
    while (storedNow(dir) < 6 && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGKILL');
    expect(await exited, stderr).toBe('SIGKILL');
    const index = await readIndex(dir);
    expect(index.shards.map((s) => s.count)).toEqual([3, 3]);

    const again = new FakeBackbone();
    const res = await writeFeatureCache({ backbone: again, images, out: dir });
    expect(res).toEqual({ written: 4, skipped: [], resumed: 6, total: 10 });
    expect(again.calls).toEqual([4]);
    const maps = await readAll(dir);
    expectFeaturesOf(maps, images);
    expectSameMaps(maps, await reference(images));
  });

  it('refuses a flushSeconds that is not a number ≥ 0', async () => {
    const dir = await tmp();
    await expect(writeFeatureCache({ backbone: new FakeBackbone(), images: names(1), out: dir, flushSeconds: -1 })).rejects.toThrow(/flushSeconds/);
    await expect(writeFeatureCache({ backbone: new FakeBackbone(), images: names(1), out: dir, flushSeconds: Number.NaN })).rejects.toThrow(/flushSeconds/);
  });
});
