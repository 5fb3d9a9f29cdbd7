import sharp from 'sharp';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DinoBackbone } from '../backbone.js';
import { HUB_FIXTURE } from '../testing/reference.js';
import { decodeImage } from './decode.js';

const dir = mkdtempSync(join(tmpdir(), 'dino-bad-'));
const f = (name: string) => join(dir, name);
/** 64×40 RGB: left half red (200, 30, 30), right half blue (20, 40, 220). */
const halves = () => {
  const data = Buffer.alloc(64 * 40 * 3);
  for (let y = 0; y < 40; y++) for (let x = 0; x < 64; x++) data.set(x < 32 ? [200, 30, 30] : [20, 40, 220], (y * 64 + x) * 3);
  return sharp(data, { raw: { width: 64, height: 40, channels: 3 } });
};

beforeAll(async () => {
  await halves().png().toFile(f('ok.png'));
  await halves().webp({ lossless: true }).toFile(f('ok.webp'));
  await sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .toColourspace('b-w')
    .png()
    .toFile(f('gray.png'));
  await halves().toColourspace('cmyk').jpeg({ quality: 95 }).toFile(f('cmyk.jpg'));
  await sharp({ create: { width: 40, height: 40, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.25 } } })
    .png()
    .toFile(f('rgba.png'));
  await halves().toColourspace('rgb16').png().toFile(f('16bit.png'));
  await halves().jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(f('exif6.jpg'));
  await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
    .png()
    .toFile(f('small.png'));
  const jpg = readFileSync(f('exif6.jpg'));
  await halves().jpeg().toFile(f('full.jpg'));
  const full = readFileSync(f('full.jpg'));
  writeFileSync(f('truncated.jpg'), full.subarray(0, Math.floor(full.length / 2)));
  writeFileSync(f('truncated-tail.jpg'), full.subarray(0, full.length - 200));
  writeFileSync(f('text.jpg'), 'this is not an image\n');
  expect(jpg.length).toBeGreaterThan(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opts = { patchSize: 16 };

describe('decodeImage normalizes odd images to 8-bit sRGB', () => {
  it('checks the test files are what they claim', async () => {
    expect((await sharp(f('cmyk.jpg')).metadata()).space).toBe('cmyk');
    expect((await sharp(f('16bit.png')).metadata()).depth).toBe('ushort');
    expect((await sharp(f('rgba.png')).metadata()).hasAlpha).toBe(true);
    expect((await sharp(f('gray.png')).metadata()).channels).toBe(1);
    expect((await sharp(f('exif6.jpg')).metadata()).orientation).toBe(6);
  });

  it('grayscale → 3 equal channels', async () => {
    const im = await decodeImage(f('gray.png'), 0, opts);
    expect([im.width, im.height, im.data.length]).toEqual([48, 32, 48 * 32 * 3]);
    expect(new Set(im.data)).toEqual(new Set([128]));
  });

  it('16-bit PNG and CMYK JPEG → 8-bit RGB with the right colours', async () => {
    for (const [name, tol] of [
      ['16bit.png', 1],
      ['ok.webp', 0],
    ] as const) {
      const im = await decodeImage(f(name), 0, opts);
      expect(im.data.length).toBe(64 * 40 * 3);
      const px = (x: number, y: number) => Array.from(im.data.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3));
      px(5, 5).forEach((v, c) => expect(Math.abs(v - [200, 30, 30][c]), `${name} left`).toBeLessThanOrEqual(tol));
      px(60, 30).forEach((v, c) => expect(Math.abs(v - [20, 40, 220][c]), `${name} right`).toBeLessThanOrEqual(tol));
    }
  });

  it('CMYK JPEG → RGB (through the CMYK profile: red stays red, blue stays blue)', async () => {
    const im = await decodeImage(f('cmyk.jpg'), 0, opts);
    expect(im.data.length).toBe(64 * 40 * 3);
    const [r1, g1, b1] = im.data.subarray((5 * 64 + 5) * 3);
    const [r2, g2, b2] = im.data.subarray((30 * 64 + 60) * 3);
    expect(r1).toBeGreaterThan(Math.max(g1, b1) + 100);
    expect(b2).toBeGreaterThan(Math.max(r2, g2) + 50);
  });

  it('RGBA → alpha dropped', async () => {
    const im = await decodeImage(f('rgba.png'), 0, opts);
    expect(Array.from(im.data.subarray(0, 3))).toEqual([10, 200, 30]);
  });

  it('EXIF orientation 6 → rotated 90° clockwise (64×40 stored, 40×64 shown; red on top)', async () => {
    const im = await decodeImage(f('exif6.jpg'), 0, opts);
    expect([im.width, im.height]).toEqual([40, 64]);
    expect(im.original).toEqual({ width: 40, height: 64 });
    expect(im.data[(5 * 40 + 20) * 3]).toBeGreaterThan(150); // top: red
    expect(im.data[(60 * 40 + 20) * 3 + 2]).toBeGreaterThan(150); // bottom: blue
  });

  it('refuses images over the pixel limit without decoding them', async () => {
    await expect(decodeImage(f('ok.png'), 0, { patchSize: 16, maxPixels: 2000 })).rejects.toMatchObject({
      code: 'BAD_IMAGE',
      file: f('ok.png'),
      message: `${f('ok.png')}: the image is 64×40 (2560 pixels), above the limit of 2000 pixels`,
    });
  });

  it('refuses a 10 000 × 10 000 image by its header', async () => {
    // A PNG whose header claims 10000×10000 (only the header is read, so the file stays tiny).
    const chunk = (type: string, body: Buffer) => {
      const tb = Buffer.concat([Buffer.from(type, 'latin1'), body]);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(body.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(zlib.crc32(tb));
      return Buffer.concat([len, tb, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(10000, 0);
    ihdr.writeUInt32BE(10000, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const sig = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
    writeFileSync(
      f('huge.png'),
      Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.alloc(30001))), chunk('IEND', Buffer.alloc(0))]),
    );
    await expect(decodeImage(f('huge.png'), 0, opts)).rejects.toMatchObject({
      code: 'BAD_IMAGE',
      message: `${f('huge.png')}: the image is 10000×10000 (100 MP), above the limit of 64 MP`,
    });
  });
});

describe('a folder run with bad files: each is reported by name, the rest are processed', () => {
  it('extract() yields ok for normalized images and BAD_IMAGE errors for the others', async () => {
    const b = await DinoBackbone.load({ model: HUB_FIXTURE, batchSize: 3 });
    const names = [
      'ok.png',
      'gray.png',
      'text.jpg',
      'cmyk.jpg',
      'rgba.png',
      'truncated.jpg',
      'truncated-tail.jpg',
      '16bit.png',
      'exif6.jpg',
      'small.png',
      'missing.png',
    ];
    const results = [];
    for await (const r of b.extract(names.map(f))) results.push(r);
    await b.dispose();
    const outcome = Object.fromEntries(results.map((r, i) => [names[i], r.ok ? 'ok' : r.error.message]));
    for (const n of ['ok.png', 'gray.png', 'cmyk.jpg', 'rgba.png', '16bit.png', 'exif6.jpg']) expect(outcome[n], n).toBe('ok');
    expect(outcome['text.jpg']).toMatch(/text\.jpg: not a readable image/);
    expect(outcome['truncated.jpg']).toMatch(/truncated\.jpg: (cannot decode the image|not a readable image) \(.*premature end of JPEG/);
    expect(outcome['truncated-tail.jpg']).toMatch(/truncated-tail\.jpg: (cannot decode the image|not a readable image) \(.*premature end of JPEG/);
    expect(outcome['small.png']).toMatch(/small\.png: the image is 8×8, smaller than one 16×16 patch/);
    expect(outcome['missing.png']).toMatch(/missing\.png: the file does not exist/);
    for (const r of results) if (!r.ok) expect(r.error.code).toBe('BAD_IMAGE');
    const exif = results[names.indexOf('exif6.jpg')];
    if (exif.ok) expect(exif.features.imageSize).toEqual({ width: 40, height: 64 });
  });
});
