import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { iccToSrgb, rgbTiff } from './icc-srgb.js';

const vivid = join(dirname(fileURLToPath(import.meta.url)), 'testing', 'fixtures', 'heic', 'vivid.png');

describe('iccToSrgb: raw pixels with an ICC profile, converted by libvips', () => {
  it('the TIFF it hands libvips holds the pixels and the profile as given (odd sizes, an odd-length profile)', async () => {
    const width = 5;
    const height = 3;
    const data = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37) % 256);
    const icc = Uint8Array.from({ length: 129 }, (_, i) => i);
    const tiff = rgbTiff(width, height, data, icc);
    const meta = await sharp(tiff).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels, meta.depth, meta.compression]).toEqual(['tiff', width, height, 3, 'uchar', undefined]);
    expect(Buffer.from(meta.icc!).equals(Buffer.from(icc))).toBe(true);
    const { data: back } = await sharp(tiff).keepIccProfile().raw().toBuffer({ resolveWithObject: true });
    expect(Buffer.from(back).equals(Buffer.from(data))).toBe(true);
    expect(() => rgbTiff(width, height, data.subarray(1), icc)).toThrow(/expected 45 bytes/);
  });

  it('gives what libvips gives for a PNG embedding the same profile, and returns a picture tagged sRGB unchanged', async () => {
    const { data: srgb, info } = await sharp(vivid).raw().toBuffer({ resolveWithObject: true });
    const { width, height } = info;
    // The picture in Display P3, tagged: the reference is libvips reading that PNG back to sRGB, bit for bit.
    const tagged = await sharp(srgb, { raw: { width, height, channels: 3 } })
      .withIccProfile('p3')
      .png()
      .toBuffer();
    const icc = (await sharp(tagged).metadata()).icc!;
    const stored = (await sharp(tagged).keepIccProfile().raw().toBuffer()) as Uint8Array;
    const expected = (await sharp(tagged).raw().toBuffer()) as Uint8Array;
    const out = await iccToSrgb(width, height, stored, icc);
    expect(Buffer.from(out).equals(Buffer.from(expected))).toBe(true);
    expect(Buffer.from(stored).equals(Buffer.from(expected))).toBe(false);
    const srgbIcc = (
      await sharp(
        await sharp(srgb, { raw: { width, height, channels: 3 } })
          .withIccProfile('srgb')
          .png()
          .toBuffer(),
      ).metadata()
    ).icc!;
    const same = await iccToSrgb(width, height, srgb, srgbIcc);
    let max = 0;
    for (let i = 0; i < same.length; i++) max = Math.max(max, Math.abs(same[i] - srgb[i]));
    expect(max).toBeLessThanOrEqual(1);
  });
});
