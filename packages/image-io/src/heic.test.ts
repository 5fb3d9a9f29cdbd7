import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AcsegError } from '@acseg/core';
import { createImageDecoder, decodeImage, readImageSize, thumbnailJpeg } from './index.js';

// pattern.heic: pattern.png through heif-enc (x265); pattern.libheif.png: heif-convert's decode of it (C libheif and
// libde265), made by tools/heic-reference/make-fixtures.ts.
const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'testing', 'fixtures', 'heic');
const heic = join(fixtures, 'pattern.heic');
const W = 65;
const H = 47;

async function rgbOf(png: string): Promise<Uint8Array> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height, info.channels]).toEqual([W, H, 3]);
  return data;
}

function differences(a: Uint8Array, b: Uint8Array): { max: number; mean: number } {
  expect(a.length).toBe(b.length);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.length };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-heic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('HEIC photos (HEVC in HEIF): libvips reads the header, libheif the pixels', () => {
  it("decodes to libheif's own decode (heif-convert) up to YCbCr rounding, and close to the picture encoded", async () => {
    for (const decode of [decodeImage, createImageDecoder().decode]) {
      const image = await decode(heic);
      expect([image.width, image.height, image.id, image.source]).toEqual([W, H, 'pattern', heic]);
      expect(image.data.length).toBe(W * H * 3);
      // Measured: max 2, mean 0.06 (two builds of libheif convert YCbCr to RGB with their own rounding).
      const reference = differences(image.data, await rgbOf(join(fixtures, 'pattern.libheif.png')));
      expect(reference.max).toBeLessThanOrEqual(8);
      expect(reference.mean).toBeLessThan(0.5);
      // HEVC at quality 90 is lossy: near the original, far from a blank or shifted picture.
      expect(differences(image.data, await rgbOf(join(fixtures, 'pattern.png'))).mean).toBeLessThan(4);
    }
    // Decodes asked for at once queue for the one WebAssembly decoder and give the same pixels.
    const together = await Promise.all([0, 1, 2].map(() => decodeImage(heic)));
    for (const image of together) expect(Buffer.from(image.data).equals(Buffer.from(together[0].data))).toBe(true);
    const flipped = (await sharp(join(fixtures, 'pattern.png')).flop().raw().toBuffer()) as Uint8Array;
    expect(differences((await decodeImage(heic)).data, flipped).mean).toBeGreaterThan(20);
  });

  it('a file of several top-level images gives its primary image (the one its header describes), not its first', async () => {
    // primary-second.heic: the pattern turned a quarter (47 × 65), then the pattern, marked primary (make-fixtures.ts).
    const two = join(fixtures, 'primary-second.heic');
    expect(await readImageSize(two)).toEqual({ width: W, height: H });
    for (const decode of [decodeImage, createImageDecoder().decode]) {
      const image = await decode(two);
      expect([image.width, image.height]).toEqual([W, H]);
      const reference = differences(image.data, await rgbOf(join(fixtures, 'primary-second.libheif.png')));
      expect(reference.max).toBeLessThanOrEqual(8);
      expect(reference.mean).toBeLessThan(0.5);
    }
  });

  it("converts colours stored in an embedded profile (an iPhone's Display P3) to sRGB, as libvips does for a PNG with it", async () => {
    // p3.heic: vivid.png converted to Display P3 and tagged with the profile, through heif-enc; p3.libheif.png:
    // heif-convert's decode, the stored P3 values with the profile (made by tools/heic-reference/make-fixtures.ts).
    const p3 = join(fixtures, 'p3.heic');
    expect((await sharp(p3).metadata()).icc?.length).toBeGreaterThan(0);
    const image = await decodeImage(p3);
    const reference = join(fixtures, 'p3.libheif.png');
    // sharp's decode of the PNG applies its profile (libvips and little CMS): the same pixels up to YCbCr rounding.
    // Measured: max 6, mean 0.07.
    const converted = differences(image.data, await rgbOf(reference));
    expect(converted.max).toBeLessThanOrEqual(8);
    expect(converted.mean).toBeLessThan(0.5);
    // The values as stored are far from it (mean 18 on these saturated colours), and the sRGB picture encoded close
    // (HEVC at quality 90 with 4:2:0 chroma: mean 2.9, the colour edges off by up to 194).
    const stored = (await sharp(reference).keepIccProfile().removeAlpha().raw().toBuffer()) as Uint8Array;
    expect(differences(image.data, stored).mean).toBeGreaterThan(10);
    expect(differences(image.data, await rgbOf(join(fixtures, 'vivid.png'))).mean).toBeLessThan(4);
    // Without a profile (pattern.heic) nothing is converted: the test above holds the values to libheif's.
    expect((await sharp(heic).metadata()).icc).toBeUndefined();
  });

  it('the header gives its size; the pixel limit refuses it before decoding; resize applies', async () => {
    expect(await readImageSize(heic)).toEqual({ width: W, height: H });
    const e = await decodeImage(heic, { maxPixels: W * H - 1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AcsegError);
    expect(e).toMatchObject({ code: 'BAD_IMAGE', file: heic, message: `${heic}: the image is 65×47 (3055 pixels), above the limit of 3054 pixels` });
    const small = await decodeImage(heic, { resize: { width: 13, height: 9, kernel: 'linear' } });
    expect([small.width, small.height, small.data.length]).toEqual([13, 9, 13 * 9 * 3]);
  });

  it("a gallery thumbnail of the file: made from libheif's pixels (libvips alone cannot), the same as from the decoded image", async () => {
    const fromFile = await thumbnailJpeg(heic, 32);
    const meta = await sharp(fromFile).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 32, 23]);
    expect(fromFile.equals(await thumbnailJpeg(await decodeImage(heic), 32))).toBe(true);
  });

  it('a HEIC file cut short is refused naming the file, and the next file still decodes', async () => {
    const bytes = await readFile(heic);
    const cut = join(dir, 'cut.heic');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    // libheif-js says "Decoding image failed" on stdout, where a run's output goes; the error below says it instead.
    const stdout = vi.spyOn(console, 'log');
    const e = await decodeImage(cut).catch((x: unknown) => x);
    expect(stdout.mock.calls.filter((c) => c[0] === 'Decoding image failed')).toEqual([]);
    expect(console.log).toBe(stdout);
    stdout.mockRestore();
    expect(e).toBeInstanceOf(AcsegError);
    expect((e as AcsegError).code).toBe('BAD_IMAGE');
    expect((e as AcsegError).file).toBe(cut);
    expect((e as AcsegError).message.startsWith(`${cut}: `), (e as AcsegError).message).toBe(true);
    await copyFile(heic, join(dir, 'whole.HEIC'));
    expect((await decodeImage(join(dir, 'whole.HEIC'))).width).toBe(W);
  });
});
