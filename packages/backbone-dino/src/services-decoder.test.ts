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
});
