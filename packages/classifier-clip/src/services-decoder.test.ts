import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger, silentProgress } from '@acseg/core';
import { countingDecoder, removeTempDirs, tempDir } from '@acseg/core/testing';
import { createImageDecoder } from '@acseg/image-io';
import type { ClipClassifier } from './classifier.js';
import plugin from './plugin.js';
import { writeTinyClip } from './testing/tiny-model.js';

afterAll(removeTempDirs);

describe('the run decoder (services.images)', () => {
  it("CLIP's preprocessing decodes through the decoder it is given, under that decoder's pixel limit", async () => {
    const dir = tempDir('acseg-clip-services-');
    const modelDir = join(dir, 'models', 'tiny-clip', 'main');
    await writeTinyClip(modelDir);
    const big = join(dir, 'big.png');
    await sharp({ create: { width: 60, height: 50, channels: 3, background: { r: 0, g: 90, b: 200 } } })
      .png()
      .toFile(big);
    const small = join(dir, 'small.png');
    await sharp({ create: { width: 30, height: 20, channels: 3, background: { r: 200, g: 90, b: 0 } } })
      .png()
      .toFile(small);
    const { decoder: images, seen } = countingDecoder(createImageDecoder({ maxPixels: 2999 }));
    const services = { log: silentLogger, progress: silentProgress, cacheDir: dir, verbose: false, images };
    const clip = (await plugin.classifiers!.clip.create({ model: modelDir, textCache: false }, services)) as ClipClassifier;
    const [dense] = await clip.denseFeatures([small]);
    expect(dense.data.length).toBe(dense.grid.h * dense.grid.w * dense.dim);
    await expect(clip.denseFeatures([big])).rejects.toMatchObject({
      code: 'BAD_IMAGE',
      message: `${big}: the image is 60×50 (3000 pixels), above the limit of 2999 pixels`,
    });
    expect(seen).toEqual([small, big]);
  });
});
