import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SegmentationPipeline } from '@acseg/core';
import { HandcraftedBackbone } from '@acseg/backbone-handcrafted';
import { KMeansGenerator } from '@acseg/generator-clustering';
import { RunWriter } from './outputs.js';

let dir: string;
const images: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-writer-bound-'));
  for (let i = 0; i < 12; i++) {
    const w = 48,
      h = 32;
    const data = Buffer.alloc(w * h * 3);
    for (let p = 0; p < w * h; p++) data.set([(p * (i + 5)) % 256, p % w < w / 2 ? 200 : 30, (i * 41) % 256], 3 * p);
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

/** The most writes in flight whenever `write` returned, over a stream of the images in batches of 6. */
async function mostInFlight(out: string, writesInFlight?: number): Promise<number> {
  const pipeline = new SegmentationPipeline({ backbone: new HandcraftedBackbone(), generator: new KMeansGenerator({ k: 3, seed: 1 }) }, { batchSize: 6 });
  const writer = await RunWriter.open(out, { backbone: 'handcrafted', generator: 'kmeans', inputs: images, writesInFlight });
  let most = 0;
  try {
    await pipeline.stream(images, {
      emit: async (o) => {
        await writer.write(o);
        most = Math.max(most, writer.inFlight);
      },
    });
    await writer.finish();
  } finally {
    await writer.close();
  }
  expect(writer.written).toBe(images.length);
  expect((await readdir(out)).filter((f) => f.endsWith('.overlay.png'))).toHaveLength(images.length);
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
