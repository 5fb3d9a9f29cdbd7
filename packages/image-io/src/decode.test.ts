import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcsegError, type RgbImage } from '@acseg/core';
import { createImageDecoder, cropRgb, decodeImage, encodePng, previewJpeg, readImageSize, thumbnailJpeg, withLibvipsDetail } from './index.js';
import { jpegComponents } from './jpeg-header.js';

let dir: string;
const f = (name: string) => join(dir, name);

/** w×h RGB with pixel (x, y) = (x·10, y·10, 100 + (x + y) % 2 · 50): every pixel tells where it came from. */
function pattern(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x * 10, y * 10, 100 + ((x + y) % 2) * 50], (y * w + x) * 3);
  return { width: w, height: h, data };
}

/** A PNG whose header says width×height with a tiny body: only decoding it would cost the memory. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const tb = Buffer.concat([Buffer.from(type, 'latin1'), body]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc32(tb));
    return Buffer.concat([len, tb, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1000))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A valid 24-bit uncompressed BMP (BITMAPINFOHEADER, rows bottom-up, padded to 4 bytes) of a grey ramp. */
function bmp24(width: number, height: number): Buffer {
  const row = Math.ceil((width * 3) / 4) * 4;
  const file = Buffer.alloc(54 + row * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(54, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(width, 18);
  file.writeInt32LE(height, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(24, 28);
  file.writeUInt32LE(row * height, 34);
  for (let y = 0; y < height; y++) for (let x = 0; x < width * 3; x++) file[54 + y * row + x] = (x * 10) & 255;
  return file;
}

async function failure(p: Promise<unknown>): Promise<AcsegError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AcsegError);
  return e as AcsegError;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-image-io-'));
  const p = pattern(20, 12);
  await writeFile(f('pattern.png'), await encodePng(p));
  await sharp({ create: { width: 24, height: 16, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.25 } } })
    .png()
    .toFile(f('rgba.png'));
  await sharp({ create: { width: 24, height: 16, channels: 3, background: { r: 77, g: 77, b: 77 } } })
    .toColourspace('b-w')
    .png()
    .toFile(f('gray.png'));
  // Orientation 6: the stored 20×12 image is shown turned 90° clockwise (12×20). Quality 100, no chroma subsampling.
  await sharp(Buffer.from(p.data), { raw: { width: 20, height: 12, channels: 3 } })
    .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
    .withMetadata({ orientation: 6 })
    .toFile(f('exif6.jpg'));
  await writeFile(f('empty.jpg'), Buffer.alloc(0));
  await writeFile(f('notes.jpg'), 'this is not an image');
  await writeFile(f('photo.bmp'), bmp24(8, 6));
  await writeFile(f('bmw.jpg'), 'BMW, BMX: a list of bikes, not a bitmap');
  // Cut inside the scan data (a busy picture, so that the scan is most of the file): the header still reads.
  const full = await sharp(Buffer.from(pattern(20, 12).data), { raw: { width: 20, height: 12, channels: 3 } })
    .resize(200, 120, { kernel: 'nearest' })
    .jpeg({ quality: 100 })
    .toBuffer();
  await writeFile(f('cut.jpg'), full.subarray(0, Math.floor(full.length * 0.8)));
  await writeFile(f('huge.png'), pngHeaderOnly(10000, 10000));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('decodeImage: any image file to 8-bit sRGB', () => {
  it('a PNG decodes to exactly its pixels, with id and source', async () => {
    const im = await decodeImage(f('pattern.png'));
    expect(im).toMatchObject({ width: 20, height: 12, id: 'pattern', source: f('pattern.png') });
    expect(Array.from(im.data)).toEqual(Array.from(pattern(20, 12).data));
  });

  it('RGBA → alpha dropped (colour kept); grayscale → three equal channels', async () => {
    const rgba = await decodeImage(f('rgba.png'));
    expect(rgba.data.length).toBe(24 * 16 * 3);
    expect(Array.from(rgba.data.subarray(0, 6))).toEqual([10, 200, 30, 10, 200, 30]);
    const gray = await decodeImage(f('gray.png'));
    expect(gray.data.length).toBe(24 * 16 * 3);
    expect(new Set(gray.data)).toEqual(new Set([77]));
  });

  it('EXIF orientation 6 → turned 90° clockwise: shown pixel (x, y) is stored pixel (y, H−1−x)', async () => {
    const im = await decodeImage(f('exif6.jpg'));
    expect([im.width, im.height]).toEqual([12, 20]);
    expect(await readImageSize(f('exif6.jpg'))).toEqual({ width: 12, height: 20 });
    // As stored (datasets whose label maps ignore EXIF): not turned.
    expect(await readImageSize(f('exif6.jpg'), { autoOrient: false })).toEqual({ width: 20, height: 12 });
    const stored6 = await decodeImage(f('exif6.jpg'), { autoOrient: false });
    expect([stored6.width, stored6.height]).toEqual([20, 12]);
    expect(Math.abs(stored6.data[(5 * 20 + 7) * 3] - 70)).toBeLessThanOrEqual(6);
    const stored = pattern(20, 12);
    let worst = 0;
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 12; x++) {
        const from = ((11 - x) * 20 + y) * 3;
        for (let c = 0; c < 2; c++) worst = Math.max(worst, Math.abs(im.data[(y * 12 + x) * 3 + c] - stored.data[from + c]));
      }
    }
    // JPEG at quality 100 is near-lossless on the smooth x/y ramps (the checkerboard channel is left out).
    expect(worst).toBeLessThanOrEqual(6);
  });

  it('resize: stretched in the decode, for a file as for an in-memory image (a flat colour stays flat)', async () => {
    const flat = { width: 24, height: 16, data: new Uint8Array(24 * 16 * 3).map((_, i) => [10, 200, 30][i % 3]) };
    await writeFile(f('flat.png'), await encodePng(flat));
    for (const input of [f('flat.png'), flat]) {
      const im = await decodeImage(input, { resize: { width: 7, height: 5, kernel: 'linear' } });
      expect([im.width, im.height, im.data.length]).toEqual([7, 5, 7 * 5 * 3]);
      expect(Array.from(im.data).every((v, i) => v === [10, 200, 30][i % 3])).toBe(true);
    }
  });

  it('an in-memory image is checked and returned as is; a malformed one is BAD_INPUT', async () => {
    const p = { ...pattern(4, 3), id: 'mem' };
    expect(await decodeImage(p)).toBe(p);
    const e = await failure(decodeImage({ width: 4, height: 4, data: new Uint8Array(5) }, { index: 7 }));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toMatch(/^<image 7>: not an 8-bit RGB image/);
  });
});

describe('one wording for every file the decoder refuses: "<file>: <problem>", BAD_IMAGE', () => {
  it.each([
    ['missing.png', 'the file does not exist'],
    ['empty.jpg', 'the file is empty (0 bytes)'],
    ['notes.jpg', 'not a readable image ('],
    ['cut.jpg', 'cannot decode the image ('],
    ['photo.bmp', 'a BMP image, a format the decoder (libvips) does not read'],
    ['bmw.jpg', 'not a readable image ('],
  ])('%s: %s', async (name, problem) => {
    for (const decode of [decodeImage, createImageDecoder().decode]) {
      const e = await failure(decode(f(name)));
      expect(e.code).toBe('BAD_IMAGE');
      expect(e.file).toBe(f(name));
      expect(e.message.startsWith(`${f(name)}: ${problem}`), e.message).toBe(true);
    }
  });

  it("libvips' words lost to another thread (an error ending at its prefix) are asked for again, at most twice", async () => {
    const bare = new Error('Input buffer has corrupt header: ');
    const worded = new Error('Input buffer has corrupt header: VipsJpeg: premature end of JPEG file');
    let calls = 0;
    expect(await withLibvipsDetail(bare, () => (calls++, Promise.reject(worded)))).toBe(worded);
    expect(calls).toBe(1);
    expect(await withLibvipsDetail(worded, () => (calls++, Promise.reject(bare)))).toBe(worded);
    expect(calls).toBe(1);
    const last = new Error('still nothing:');
    expect(await withLibvipsDetail(bare, () => (calls++, Promise.reject(calls === 3 ? last : bare)))).toBe(last);
    expect(calls).toBe(3);
  });

  it('a truncated JPEG is named as such (libvips says where it ends)', async () => {
    expect((await failure(decodeImage(f('cut.jpg')))).message).toMatch(/premature end of JPEG/);
  });

  it('a file over 32 MiB is left to libvips to stream, and decodes to the same pixels as its small twin', async () => {
    // The same PNG with 33 MiB of trailing bytes after IEND (a decoder stops at IEND): too big to read at once.
    const small = await readFile(f('pattern.png'));
    await writeFile(f('padded.png'), Buffer.concat([small, Buffer.alloc(33 * 1024 * 1024)]));
    const a = await decodeImage(f('pattern.png'));
    const b = await decodeImage(f('padded.png'));
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
    expect(Buffer.from(a.data).equals(Buffer.from(pattern(20, 12).data))).toBe(true);
  });

  it('a folder is refused as a file that is not an image, naming it', async () => {
    await mkdir(f('folder.jpg'), { recursive: true });
    const e = await failure(decodeImage(f('folder.jpg')));
    expect(e.code).toBe('BAD_IMAGE');
    expect(e.message.startsWith(`${f('folder.jpg')}: not a readable image`)).toBe(true);
  });
});

describe('the pixel limit', () => {
  it('refuses a 10000×10000 PNG from its header (default 64 MP), through every entry', async () => {
    const message = `${f('huge.png')}: the image is 10000×10000 (100 MP), above the limit of 64 MP`;
    for (const decode of [decodeImage, createImageDecoder({ maxPixels: 64_000_000 }).decode]) {
      const e = await failure(decode(f('huge.png'), { maxPixels: 64_000_000 }));
      expect(e).toMatchObject({ code: 'BAD_IMAGE', file: f('huge.png'), message });
    }
    // The header alone is read: its size is known without decoding.
    expect(await readImageSize(f('huge.png'))).toEqual({ width: 10000, height: 10000 });
  });

  it('a generated image just over the limit is refused, one at the limit is decoded; files and decoded images alike', async () => {
    const over = `${f('pattern.png')}: the image is 20×12 (240 pixels), above the limit of 239 pixels`;
    expect(await failure(decodeImage(f('pattern.png'), { maxPixels: 239 }))).toMatchObject({ code: 'BAD_IMAGE', message: over });
    const decoder = createImageDecoder({ maxPixels: 239 });
    expect(decoder.maxPixels).toBe(239);
    expect(await failure(decoder.decode(f('pattern.png')))).toMatchObject({ message: over });
    expect((await decoder.decode(f('pattern.png'), { maxPixels: 240 })).width).toBe(20);
    const mem = { ...pattern(20, 12), source: 'mem.png' };
    expect(await failure(decoder.decode(mem))).toMatchObject({ code: 'BAD_IMAGE', message: over.replace(f('pattern.png'), 'mem.png') });
  });

  it('the default limit is $ACSEG_MAX_PIXELS when set, read when the decoder is made', () => {
    const saved = process.env.ACSEG_MAX_PIXELS;
    process.env.ACSEG_MAX_PIXELS = '1234';
    try {
      expect(createImageDecoder().maxPixels).toBe(1234);
      expect(createImageDecoder({ maxPixels: 99 }).maxPixels).toBe(99);
    } finally {
      if (saved === undefined) delete process.env.ACSEG_MAX_PIXELS;
      else process.env.ACSEG_MAX_PIXELS = saved;
    }
    expect(createImageDecoder().maxPixels).toBe(saved === undefined ? 64_000_000 : Number(saved));
  });
});

describe('helpers', () => {
  it('cropRgb copies the rectangle (pixel (x, y) of the crop is (left + x, top + y)) and refuses one outside', () => {
    const c = cropRgb(pattern(20, 12), { left: 3, top: 2, width: 5, height: 4 });
    expect([c.width, c.height]).toEqual([5, 4]);
    expect(Array.from(c.data.subarray((1 * 5 + 2) * 3, (1 * 5 + 2) * 3 + 3))).toEqual([50, 30, 100 + (8 % 2) * 50]);
    expect(() => cropRgb(pattern(20, 12), { left: 18, top: 0, width: 5, height: 4 })).toThrow(/crop 5×4 at \(18, 0\) lies outside the 20×12 image/);
  });

  it('thumbnailJpeg fits the side without enlarging, for a file and a decoded image', async () => {
    const big = await sharp(await thumbnailJpeg(f('pattern.png'), 10)).metadata();
    expect([big.format, big.width, big.height]).toEqual(['jpeg', 10, 6]);
    const small = await sharp(await thumbnailJpeg(pattern(20, 12), 320)).metadata();
    expect([small.width, small.height]).toEqual([20, 12]);
  });

  it('a small grey or colour JPEG keeps its own bytes with its pixels; PNG, CMYK, resized, unrotated or large files do not', async () => {
    const raw = { raw: { width: 20, height: 12, channels: 3 } } as const;
    const colour = await sharp(pattern(20, 12).data, raw).jpeg().toBuffer();
    const grey = await sharp(pattern(20, 12).data, raw).toColourspace('b-w').jpeg().toBuffer();
    const cmyk = await sharp(pattern(20, 12).data, raw).toColourspace('cmyk').jpeg().toBuffer();
    const progressive = await sharp(pattern(20, 12).data, raw).jpeg({ progressive: true }).toBuffer();
    expect([colour, grey, cmyk, progressive].map((b) => jpegComponents(b))).toEqual([3, 1, 4, 3]);
    for (const [name, bytes] of Object.entries({ 'colour.jpg': colour, 'grey.jpg': grey, 'cmyk.jpg': cmyk, 'progressive.jpg': progressive })) {
      await writeFile(f(name), bytes);
    }
    for (const name of ['colour.jpg', 'grey.jpg', 'progressive.jpg', 'exif6.jpg']) {
      const im = await decodeImage(f(name));
      expect(im.jpeg && Buffer.from(im.jpeg).equals(await readFile(f(name))), name).toBe(true);
    }
    expect((await decodeImage(f('cmyk.jpg'))).jpeg).toBeUndefined();
    expect((await decodeImage(f('pattern.png'))).jpeg).toBeUndefined();
    expect((await decodeImage(f('colour.jpg'), { resize: { width: 10, height: 6, kernel: 'nearest' } })).jpeg).toBeUndefined();
    expect((await decodeImage(f('exif6.jpg'), { autoOrient: false })).jpeg).toBeUndefined();
    // Over 256 KiB: noise at quality 100 does not compress.
    let x = 1;
    const noise = Uint8Array.from({ length: 600 * 400 * 3 }, () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) >>> 24);
    await writeFile(
      f('noise.jpg'),
      await sharp(noise, { raw: { width: 600, height: 400, channels: 3 } })
        .jpeg({ quality: 100 })
        .toBuffer(),
    );
    expect((await readFile(f('noise.jpg'))).length).toBeGreaterThan(256 * 1024);
    expect((await decodeImage(f('noise.jpg'))).jpeg).toBeUndefined();
    // Not a JPEG, or cut before its frame header.
    expect(jpegComponents(await readFile(f('pattern.png')))).toBeUndefined();
    expect(jpegComponents(colour.subarray(0, 10))).toBeUndefined();
  });

  it('previewJpeg: a JPEG up to twice the side is shown as it is; larger ones, and images without bytes, get a thumbnail', async () => {
    await writeFile(
      f('preview.jpg'),
      await sharp(pattern(20, 12).data, { raw: { width: 20, height: 12, channels: 3 } })
        .jpeg()
        .toBuffer(),
    );
    const small = await decodeImage(f('preview.jpg'));
    expect(Buffer.from(await previewJpeg(small, 10)).equals(await readFile(f('preview.jpg')))).toBe(true);
    const over = await sharp(await previewJpeg(small, 9)).metadata();
    expect([over.width, over.height]).toEqual([9, 5]);
    const plain = await sharp(await previewJpeg(pattern(20, 12), 10)).metadata();
    expect([plain.format, plain.width, plain.height]).toEqual(['jpeg', 10, 6]);
  });

  it("thumbnailJpeg's default Huffman tables change the file, not its pixels (against libvips' fitted tables)", async () => {
    const image = pattern(200, 120);
    const source = () => sharp(image.data, { raw: { width: 200, height: 120, channels: 3 } }).resize(64, 64, { fit: 'inside' });
    const ours = await thumbnailJpeg(image, 64, 80);
    const fitted = await source().jpeg({ quality: 80, optimiseCoding: true }).toBuffer();
    expect(Buffer.compare(ours, fitted)).not.toBe(0);
    expect((await sharp(ours).raw().toBuffer()).equals(await sharp(fitted).raw().toBuffer())).toBe(true);
  });
});
