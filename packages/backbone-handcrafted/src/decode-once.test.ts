import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureResult, ImageDecoder, ImageInput } from '@acseg/core';
import { createImageDecoder } from '@acseg/image-io';
import { HandcraftedBackbone } from './index.js';

async function first(b: HandcraftedBackbone, input: ImageInput): Promise<FeatureResult> {
  for await (const r of b.extract([input])) return r;
  throw new Error('no result');
}

/** Smooth colour ramps plus a little noise: a photo-like JPEG that JPEG shrink-on-load would resize differently. */
function photo(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  let s = 7;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const n = (s >>> 24) % 24;
      data.set([(x * 255) / width + n, (y * 255) / height, ((x + y) * 97) % 256], 3 * (y * width + x));
    }
  }
  return data;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-hc-decode-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('HandcraftedBackbone.decode (decode once)', () => {
  it('a file and its decode give bit-identical features: large JPEG, alpha PNG, grey PNG, EXIF-rotated JPEG', async () => {
    const b = new HandcraftedBackbone();
    const big = join(dir, 'big.jpg');
    await sharp(photo(960, 720), { raw: { width: 960, height: 720, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(big);
    const rgba = join(dir, 'rgba.png');
    const rgbaData = Buffer.alloc(300 * 200 * 4);
    for (let i = 0; i < 300 * 200; i++) rgbaData.set([(i * 7) % 256, (i * 3) % 256, 40, i % 2 ? 255 : 30], 4 * i);
    await sharp(rgbaData, { raw: { width: 300, height: 200, channels: 4 } })
      .png()
      .toFile(rgba);
    const grey = join(dir, 'grey.png');
    await sharp(photo(500, 400).subarray(0, 500 * 400), { raw: { width: 500, height: 400, channels: 1 } })
      .png()
      .toFile(grey);
    const rotated = join(dir, 'rotated.jpg');
    await sharp(photo(640, 480), { raw: { width: 640, height: 480, channels: 3 } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(rotated);
    for (const file of [big, rgba, grey, rotated]) {
      const decoded = await b.decode(file, 0);
      const fromFile = await first(new HandcraftedBackbone(), file);
      const fromDecode = await first(b, decoded);
      if (!fromFile.ok || !fromDecode.ok) throw new Error(`${file} failed`);
      expect(Array.from(fromDecode.features.tokens)).toEqual(Array.from(fromFile.features.tokens));
      expect({ id: fromDecode.features.id, source: fromDecode.features.source, size: fromDecode.features.imageSize }).toEqual({
        id: fromFile.features.id,
        source: file,
        size: fromFile.features.imageSize,
      });
    }
  });

  it('a decode for features starts their resize: its features ask nothing more of the decoder, the same features as from the file', async () => {
    const file = join(dir, 'early.jpg');
    await sharp(photo(320, 240), { raw: { width: 320, height: 240, channels: 3 } })
      .jpeg()
      .toFile(file);
    const inner = createImageDecoder();
    const asked: string[] = [];
    const images: ImageDecoder = {
      maxPixels: inner.maxPixels,
      size: (path) => inner.size(path),
      decode: (image, options) => {
        asked.push(typeof image === 'string' ? 'file' : 'pixels');
        return inner.decode(image, options);
      },
    };
    const b = new HandcraftedBackbone({}, { images });
    // For pixels only (outputs; features from a cache): nothing more.
    await b.decode(file, 0);
    expect(asked).toEqual(['file']);
    asked.length = 0;
    const decoded = await b.decode(file, 0, { features: true });
    // The decode, then the resize of its pixels (checked by the decoder first), both asked before decode returned.
    expect(asked).toEqual(['file', 'pixels']);
    const r = await first(b, decoded);
    expect(asked).toEqual(['file', 'pixels']);
    const alone = await first(new HandcraftedBackbone(), file);
    if (!r.ok || !alone.ok) throw new Error('failed');
    expect(Array.from(r.features.tokens)).toEqual(Array.from(alone.features.tokens));
  });

  it('decodes at full size, EXIF-rotated: a lossless PNG gives back the pixels it was written from', async () => {
    const file = join(dir, 'exact.png');
    const pixels = photo(333, 222);
    await sharp(pixels, { raw: { width: 333, height: 222, channels: 3 } })
      .png()
      .toFile(file);
    const d = await new HandcraftedBackbone().decode(file, 3);
    expect({ width: d.width, height: d.height, id: d.id, source: d.source }).toEqual({ width: 333, height: 222, id: 'exact', source: file });
    expect(Buffer.from(d.data).equals(pixels)).toBe(true);
    const rotated = join(dir, 'turned.jpg');
    await sharp(photo(80, 40), { raw: { width: 80, height: 40, channels: 3 } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(rotated);
    const r = await new HandcraftedBackbone().decode(rotated, 0);
    expect([r.width, r.height]).toEqual([40, 80]);
  });

  it('refuses what extract refuses, with the same message naming the file', async () => {
    const empty = join(dir, 'empty.jpg');
    await writeFile(empty, '');
    const tiny = join(dir, 'tiny.png');
    await sharp(Buffer.alloc(10 * 30 * 3, 90), { raw: { width: 10, height: 30, channels: 3 } })
      .png()
      .toFile(tiny);
    for (const file of [empty, tiny, join(dir, 'missing.png')]) {
      const r = await first(new HandcraftedBackbone(), file);
      const e = await new HandcraftedBackbone().decode(file, 0).then(
        () => undefined,
        (err: unknown) => err as Error & { file?: string },
      );
      expect(r.ok).toBe(false);
      expect(e?.message).toBe(!r.ok && r.error.message);
      expect(e?.file).toBe(file);
    }
  });
});
