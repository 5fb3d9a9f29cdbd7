import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SegmentationPipeline, isAcsegError } from '@acseg/core';
import { HandcraftedBackbone } from '@acseg/backbone-handcrafted';
import { KMeansGenerator } from '@acseg/generator-clustering';
import { RunWriter } from './outputs.js';

let dir: string;
const images: string[] = [];
// More images than writes may wait at once (32), so that a fault must stop the stream, not only `finish`.
const COUNT = 40;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-writer-fault-'));
  for (let i = 0; i < COUNT; i++) {
    const w = 48,
      h = 32;
    const data = Buffer.alloc(w * h * 3);
    for (let p = 0; p < w * h; p++) data.set([(p * (i + 3)) % 256, p % w < w / 2 ? 220 : 20, (i * 37) % 256], 3 * p);
    const file = join(dir, `img${i}.png`);
    await sharp(data, { raw: { width: w, height: h, channels: 3 } })
      .png()
      .toFile(file);
    images.push(file);
  }
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// /dev/full answers every write with ENOSPC: the run's record pointed there is a disk that fills up after the start.
describe.runIf(existsSync('/dev/full'))('RunWriter on a full disk', () => {
  it('stops the stream with one error naming the output folder; no image is listed as skipped for it', async () => {
    const out = join(dir, 'out');
    const pipeline = new SegmentationPipeline({ backbone: new HandcraftedBackbone(), generator: new KMeansGenerator({ k: 3, seed: 1 }) }, { batchSize: 4 });
    const writer = await RunWriter.open(out, { backbone: 'handcrafted', generator: 'kmeans', inputs: images });
    await unlink(join(out, 'gallery.jsonl'));
    await symlink('/dev/full', join(out, 'gallery.jsonl'));
    let emitted = 0;
    let error: unknown;
    try {
      await pipeline.stream(images, {
        emit: (o) => {
          emitted++;
          return writer.write(o);
        },
      });
      await writer.finish();
    } catch (e) {
      error = e;
    } finally {
      await writer.close();
    }
    expect(isAcsegError(error)).toBe(true);
    const e = error as Error & { hint?: string };
    expect(e.message).toContain(`output folder ${out}`);
    expect(e.message).toContain('ENOSPC');
    expect(e.hint).toContain('run the same command again');
    // Before: every image after the fault was "skipped" with the same ENOSPC, and recording that skip failed too.
    expect(writer.skipped).toEqual([]);
    expect(emitted).toBeLessThan(COUNT);
    // Each image's files are whole or absent: no temp file is left beside them.
    expect((await readdir(out)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

/** The most writes in flight whenever `write` returned, over a stream of 12 of the images in batches of 6. */
async function mostInFlight(out: string, writesInFlight?: number): Promise<number> {
  const some = images.slice(0, 12);
  const pipeline = new SegmentationPipeline({ backbone: new HandcraftedBackbone(), generator: new KMeansGenerator({ k: 3, seed: 1 }) }, { batchSize: 6 });
  const writer = await RunWriter.open(out, { backbone: 'handcrafted', generator: 'kmeans', inputs: some, writesInFlight });
  let most = 0;
  try {
    await pipeline.stream(some, {
      emit: async (o) => {
        await writer.write(o);
        most = Math.max(most, writer.inFlight);
      },
    });
    await writer.finish();
  } finally {
    await writer.close();
  }
  expect(writer.written).toBe(some.length);
  expect((await readdir(out)).filter((f) => f.endsWith('.overlay.png'))).toHaveLength(some.length);
  return most;
}

describe('RunWriter writesInFlight', () => {
  it('returns from write only once fewer writes than the bound are in flight', async () => {
    // The default bound (32) lets a batch's writes pile up: the bound below is what holds them back.
    expect(await mostInFlight(join(dir, 'default'))).toBeGreaterThan(1);
    expect(await mostInFlight(join(dir, 'two'), 2)).toBe(1);
    // A bound under 1 is 1 (each write waits for the one before), not a stream that never finishes.
    expect(await mostInFlight(join(dir, 'zero'), 0)).toBe(0);
  });
});

describe('RunWriter and the disk', () => {
  async function runWith(out: string, free: number[]): Promise<{ warnings: string[]; askedAt: number[] }> {
    const some = images.slice(0, 12);
    const warnings: string[] = [];
    const askedAt: number[] = [];
    const pipeline = new SegmentationPipeline({ backbone: new HandcraftedBackbone(), generator: new KMeansGenerator({ k: 3, seed: 1 }) }, { batchSize: 4 });
    const log = { info: () => {}, warn: (m: string) => void warnings.push(m), debug: () => {} };
    const writer: RunWriter = await RunWriter.open(out, {
      backbone: 'handcrafted',
      generator: 'kmeans',
      inputs: some,
      log,
      total: some.length,
      room: {
        at: [2, 6],
        diskFree: async (dir) => {
          expect(dir).toBe(out);
          askedAt.push(writer.written);
          return free.shift();
        },
      },
    });
    try {
      await pipeline.stream(some, { emit: (o) => writer.write(o) });
      await writer.finish();
    } finally {
      await writer.close();
    }
    expect(writer.written).toBe(some.length);
    return { warnings, askedAt };
  }

  it('warns, naming the folder, when the outputs of the images left will not fit; asks the disk at the counts given', async () => {
    // 1 MB used by 4 images: 250 KB an image; the 6 left need 1.5 MB.
    const tight = await runWith(join(dir, 'tight'), [2e6, 1e6]);
    expect(tight.askedAt).toEqual([2, 6]);
    expect(tight.warnings.filter((w) => w.includes('disk is full'))).toEqual([
      expect.stringContaining(`${join(dir, 'tight')}: at about 250 KB an image, the 6 images left need about 1.5 MB more and its disk has 1.0 MB free`),
    ]);
    const roomy = await runWith(join(dir, 'roomy'), [10e6, 9e6]);
    expect(roomy.askedAt).toEqual([2, 6]);
    expect(roomy.warnings.filter((w) => w.includes('disk is full'))).toEqual([]);
  });
});
