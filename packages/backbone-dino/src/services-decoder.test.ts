import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger, silentProgress, type FeatureResult } from '@acseg/core';
import { countingDecoder, removeTempDirs, tempDir } from '@acseg/core/testing';
import { createImageDecoder } from '@acseg/image-io';
import { createDinoBackbone } from './factory.js';
import { HUB_FIXTURE } from './testing/reference.js';

afterAll(removeTempDirs);

describe('the run decoder (services.images)', () => {
  it('the factory decodes through the decoder it is given: its refusals, in its words', async () => {
    const dir = tempDir('acseg-dino-services-');
    const big = join(dir, 'big.png');
    await sharp({ create: { width: 60, height: 50, channels: 3, background: { r: 0, g: 90, b: 200 } } })
      .png()
      .toFile(big);
    const empty = join(dir, 'empty.jpg');
    await writeFile(empty, Buffer.alloc(0));
    const { decoder: images, seen } = countingDecoder(createImageDecoder());
    const services = { log: silentLogger, progress: silentProgress, cacheDir: dir, verbose: false, images };
    const b = await createDinoBackbone({ model: HUB_FIXTURE, maxPixels: 2999 }, services);
    const out: FeatureResult[] = [];
    for await (const r of b.extract([big, empty])) out.push(r);
    expect(seen).toEqual([big, empty]);
    expect(out[0]).toMatchObject({
      ok: false,
      error: { code: 'BAD_IMAGE', message: `${big}: the image is 60×50 (3000 pixels), above the limit of 2999 pixels` },
    });
    expect(out[1]).toMatchObject({ ok: false, error: { code: 'BAD_IMAGE', message: `${empty}: the file is empty (0 bytes)` } });
    await b.decode(big, 0).catch(() => undefined);
    expect(seen).toEqual([big, empty, big]);
    await b.dispose();
  });

  it('decodes large photos a few at a time (their full-size pixels), frames a batch at once; the first image alone', async () => {
    const dir = tempDir('acseg-dino-decode-ahead-');
    const make = async (name: string, width: number, height: number) => {
      const file = join(dir, name);
      await sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } })
        .jpeg()
        .toFile(file);
      return file;
    };
    // 3000 × 2000: 18 MB decoded, 4 of which fit in the 80 MiB the decodes ahead may hold.
    const photos = await Promise.all(Array.from({ length: 8 }, (_, i) => make(`photo-${i}.jpg`, 3000, 2000)));
    const frames = await Promise.all(Array.from({ length: 8 }, (_, i) => make(`frame-${i}.jpg`, 64, 48)));
    for (const [files, most] of [
      [photos, 4],
      [frames, 7],
    ] as const) {
      const inner = createImageDecoder();
      let running = 0;
      const atStart: number[] = [];
      const images = {
        ...inner,
        decode: async (...args: Parameters<typeof inner.decode>) => {
          atStart.push(++running);
          try {
            return await inner.decode(...args);
          } finally {
            running--;
          }
        },
      };
      const services = { log: silentLogger, progress: silentProgress, cacheDir: dir, verbose: false, images };
      const b = await createDinoBackbone({ model: HUB_FIXTURE, batchSize: 8 }, services);
      let ok = 0;
      for await (const r of b.extract(files)) if (r.ok) ok++;
      await b.dispose();
      expect(ok).toBe(8);
      // The second started once the first was done; then as many as fit at once (the other 7 frames together).
      expect(atStart[1]).toBe(1);
      expect(Math.max(...atStart)).toBe(most);
    }
  });
});
