import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '@acseg/core';
import {
  VOC_PALETTE,
  blendOverlay,
  encodeLabelPng,
  overlaySize,
  OVERLAY_MAX_SIDE,
  sampleMap,
  writeFileAtomic,
  writeLabelPng,
  writeOverlay,
  writeSegmentationJson,
  writeImageOutputs,
} from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-report-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every file in `d`, recursively, relative. */
async function files(d: string): Promise<string[]> {
  return (await readdir(d, { recursive: true })).map(String).sort();
}

describe('VOC_PALETTE', () => {
  it('matches the published VOC colours', () => {
    expect(VOC_PALETTE).toHaveLength(256);
    expect(VOC_PALETTE[0]).toEqual([0, 0, 0]); // background
    expect(VOC_PALETTE[1]).toEqual([128, 0, 0]); // aeroplane
    expect(VOC_PALETTE[2]).toEqual([0, 128, 0]); // bicycle
    expect(VOC_PALETTE[3]).toEqual([128, 128, 0]);
    expect(VOC_PALETTE[8]).toEqual([64, 0, 0]); // cat
    expect(VOC_PALETTE[15]).toEqual([192, 128, 128]); // person
    expect(VOC_PALETTE[20]).toEqual([0, 64, 128]); // tvmonitor
    expect(VOC_PALETTE[255]).toEqual([224, 224, 192]); // void
  });
});

describe('writeLabelPng', () => {
  it('writes an indexed PNG whose pixel values are the class ids', async () => {
    const w = 7,
      h = 5;
    const map = Uint8Array.from({ length: w * h }, (_, i) => [0, 1, 15, 20, 255, 3, 200][i % 7]);
    const path = join(dir, 'label.png');
    await writeLabelPng(path, map, w, h);
    const buf = await readFile(path);
    // IHDR by hand: bit depth at byte 24, colour type at byte 25 (3 = indexed).
    expect(buf.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect(buf.readUInt32BE(16)).toBe(w);
    expect(buf.readUInt32BE(20)).toBe(h);
    expect(buf[24]).toBe(8);
    expect(buf[25]).toBe(3);
    // Indices read back exactly, palette is VOC's.
    const png = decode(buf);
    expect(png.channels).toBe(1);
    expect(Array.from(png.data)).toEqual(Array.from(map));
    expect(png.palette![15]).toEqual([192, 128, 128]);
    // An independent decoder (libvips) expands the palette to the VOC colours.
    const { data, info } = await sharp(buf).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    for (let p = 0; p < w * h; p++) expect([data[3 * p], data[3 * p + 1], data[3 * p + 2]]).toEqual([...VOC_PALETTE[map[p]]]);
  });

  it('refuses a class map of the wrong length, naming the file', async () => {
    await expect(writeLabelPng(join(dir, 'bad.png'), new Uint8Array(10), 4, 4)).rejects.toThrow(/bad\.png: the class map holds 10 values, expected 4×4 = 16/);
    expect(() => encodeLabelPng(new Uint8Array(4), 0, 4)).toThrow(/bad size 0×4/);
  });
});

/** Whole numbers below n from a linear congruential sequence seeded by `seed` (the same ones every run). */
function randomBelow(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
}

describe('overlay', () => {
  const image: RgbImage = { width: 3, height: 2, data: Uint8Array.from([200, 100, 50, 10, 20, 30, 255, 255, 255, 0, 0, 0, 90, 90, 90, 1, 2, 3]), id: 'tiny' };
  const map = Uint8Array.from([1, 15, 0, 255, 2, 20]);
  // Hand-computed at α = 0.5: round((v + c) / 2); class 255 keeps the image.
  const expected = [
    164,
    50,
    25, // (200,100,50) + aeroplane (128,0,0)
    101,
    74,
    79, // (10,20,30) + person (192,128,128): 101, 74, 79
    128,
    128,
    128, // white + background black: 127.5 → 128
    0,
    0,
    0, // void: unchanged
    45,
    109,
    45, // (90,90,90) + bicycle (0,128,0)
    1,
    33,
    66, // (1,2,3) + tvmonitor (0,64,128): 0.5→1 (round half up), 33, 65.5→66
  ];

  it('blends class colours by hand-computed weights', () => {
    expect(Array.from(blendOverlay(image, map))).toEqual(expected);
    const a25 = blendOverlay(image, map, { alpha: 0.25 });
    expect(a25[0]).toBe(Math.round(0.75 * 200 + 0.25 * 128)); // 182
    expect(() => blendOverlay(image, map, { alpha: 2 })).toThrow(/alpha must be in \[0, 1\]/);
  });

  it('blends every pixel by the formula, whatever the classes, alpha and skipped ids (brute force)', () => {
    const rand = randomBelow(11);
    const w = 37,
      h = 23;
    const img = { width: w, height: h, data: Uint8Array.from({ length: w * h * 3 }, () => rand(256)) };
    const classes = Uint8Array.from({ length: w * h }, () => (rand(4) === 0 ? 255 : rand(21)));
    for (const [alpha, skip] of [
      [0.5, [255]],
      [0.3, [255, 0, 7]],
      [1, []],
      [0, [255]],
      // Tables are kept by alpha (at most four): a fifth and a return to the first are made right again.
      [0.7, [255]],
      [0.5, [255]],
    ] as const) {
      const want = Array.from(img.data, (v, i) => {
        const c = classes[Math.floor(i / 3)];
        return (skip as readonly number[]).includes(c) ? v : Math.round((1 - alpha) * v + alpha * VOC_PALETTE[c][i % 3]);
      });
      expect(Array.from(blendOverlay(img, classes, { alpha, skip }))).toEqual(want);
    }
  });

  it('blends runs of one class by the formula, at α = ½ four bytes at a time, whatever the runs and buffer offsets', () => {
    const rand = randomBelow(5);
    const w = 61,
      h = 17;
    const classes = new Uint8Array(w * h);
    for (let p = 0; p < classes.length;) {
      const c = rand(5) === 0 ? 255 : rand(256);
      const end = Math.min(classes.length, p + 1 + rand(13));
      classes.fill(c, p, end);
      p = end;
    }
    // At byte offsets 0 and 4 the α = ½ path reads 32-bit words; at 1 and 3 it cannot, and the table blends.
    for (const offset of [0, 1, 3, 4]) {
      const backing = new Uint8Array(w * h * 3 + offset);
      for (let i = 0; i < backing.length; i++) backing[i] = rand(256);
      const img = { width: w, height: h, data: backing.subarray(offset) };
      for (const alpha of [0.5, 0.25]) {
        const want = Array.from(img.data, (v, i) => {
          const c = classes[Math.floor(i / 3)];
          return c === 255 ? v : Math.round((1 - alpha) * v + alpha * VOC_PALETTE[c][i % 3]);
        });
        expect(Array.from(blendOverlay(img, classes, { alpha }))).toEqual(want);
      }
    }
  });

  it('writes a PNG with those colours, from an in-memory image or a file', async () => {
    const path = join(dir, 'overlay.png');
    await writeOverlay(path, image, map);
    const back = await sharp(path).raw().toBuffer();
    expect(Array.from(back)).toEqual(expected);
    const src = join(dir, 'src.png');
    await sharp(Buffer.from(image.data), { raw: { width: 3, height: 2, channels: 3 } })
      .png()
      .toFile(src);
    await writeOverlay(join(dir, 'overlay2.png'), src, map, 0.5);
    expect(Array.from(await sharp(join(dir, 'overlay2.png')).raw().toBuffer())).toEqual(expected);
    await expect(writeOverlay(join(dir, 'x.png'), src, new Uint8Array(5))).rejects.toThrow(/src\.png: the class map holds 5 values but the image is 3×2/);
    await expect(writeOverlay(join(dir, 'x.png'), join(dir, 'nope.jpg'), map)).rejects.toThrow(/nope\.jpg: the file does not exist/);
  });
});

describe('writeSegmentationJson and atomic writes', () => {
  it('writes the regions as given, bbox as an array', async () => {
    const path = join(dir, 'json', 'seg.json');
    await writeSegmentationJson(path, {
      id: 'beach',
      source: '/data/beach.jpg',
      width: 320,
      height: 240,
      regions: [
        { region: 0, classId: 0, className: 'background', score: 0.25, pixels: 50000, bbox: [0, 0, 320, 240] },
        { region: 1, classId: 3, pixels: 26800, bbox: Int32Array.of(10, 20, 110, 220) as unknown as number[] },
      ],
    });
    const back = JSON.parse(await readFile(path, 'utf8'));
    expect(back).toEqual({
      id: 'beach',
      source: '/data/beach.jpg',
      width: 320,
      height: 240,
      regions: [
        { region: 0, classId: 0, className: 'background', score: 0.25, pixels: 50000, bbox: [0, 0, 320, 240] },
        { region: 1, classId: 3, pixels: 26800, bbox: [10, 20, 110, 220] },
      ],
    });
  });

  it('leaves no temp files behind, and none after a failed write', async () => {
    const d = await mkdtemp(join(tmpdir(), 'acseg-atomic-'));
    await writeFileAtomic(join(d, 'a.txt'), 'one');
    await writeFileAtomic(join(d, 'a.txt'), 'two');
    expect(await readFile(join(d, 'a.txt'), 'utf8')).toBe('two');
    // The target is a folder: rename fails, the temp file is removed.
    await writeFileAtomic(join(d, 'sub', 'keep.txt'), 'x');
    await expect(writeFileAtomic(join(d, 'sub'), 'y')).rejects.toThrow(/sub: cannot write/);
    expect(await files(d)).toEqual(['a.txt', 'sub', 'sub/keep.txt']);
    await rm(d, { recursive: true, force: true });
  });
});

describe('writeImageOutputs', () => {
  it('refuses to write an output over its own input image, and leaves the input as it was', async () => {
    const d = await mkdtemp(join(tmpdir(), 'acseg-inplace-'));
    const input = join(d, 'street.png');
    const bytes = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 9, g: 99, b: 199 } } })
      .png()
      .toBuffer();
    await writeFileAtomic(input, bytes);
    const seg = { id: 'street', source: input, image: input, classMap: new Uint8Array(16), width: 4, height: 4, regions: [] };
    await expect(writeImageOutputs(d, seg)).rejects.toThrow(/street\.png: an output named "street" would overwrite this input image/);
    expect(Buffer.compare(await readFile(input), bytes)).toBe(0);
    await rm(d, { recursive: true, force: true });
  });

  it('writes the region map as <id>.regions.png (index per pixel) and names it in the JSON', async () => {
    const d = await mkdtemp(join(tmpdir(), 'acseg-regions-'));
    const input = join(d, 'in.png');
    await writeFileAtomic(
      input,
      await sharp({ create: { width: 3, height: 2, channels: 3, background: { r: 1, g: 2, b: 3 } } })
        .png()
        .toBuffer(),
    );
    const regionMap = Uint8Array.from([0, 0, 1, 2, 2, 1]);
    const seg = { id: 'a', source: input, image: input, classMap: new Uint8Array(6), regionMap, width: 3, height: 2, regions: [] };
    await writeImageOutputs(join(d, 'out'), seg);
    const png = decode(await readFile(join(d, 'out', 'a.regions.png')));
    expect([png.width, png.height, png.channels]).toEqual([3, 2, 1]);
    expect(Array.from(png.data)).toEqual([0, 0, 1, 2, 2, 1]);
    const json = JSON.parse(await readFile(join(d, 'out', 'a.json'), 'utf8')) as { files: Record<string, string>; regionMap?: unknown };
    expect(json.files.regions).toBe('a.regions.png');
    expect(json.regionMap).toBeUndefined();
    // The same map as classes and regions (segment without a classifier): both files hold it; a folder removed
    // between two images is made again.
    await rm(join(d, 'out'), { recursive: true, force: true });
    await writeImageOutputs(join(d, 'out'), { ...seg, id: 'b', classMap: Uint8Array.from(regionMap), regionMap: Uint8Array.from(regionMap) });
    for (const f of ['b.png', 'b.regions.png']) expect(Array.from(decode(await readFile(join(d, 'out', f))).data), f).toEqual([0, 0, 1, 2, 2, 1]);
    await rm(d, { recursive: true, force: true });
  });
  it('shows a small JPEG input as it is (thumbs/<id>.jpg holds its bytes); a larger one, or a PNG, gets a 320 px thumbnail', async () => {
    const d = await mkdtemp(join(tmpdir(), 'acseg-thumbs-'));
    const photo = (w: number, h: number) =>
      sharp({ create: { width: w, height: h, channels: 3, background: { r: 90, g: 140, b: 200 } } })
        .jpeg()
        .toBuffer();
    const inputs = { small: [await photo(480, 360), 'jpg'], large: [await photo(700, 500), 'jpg'], png: [await photo(480, 360), 'png'] } as const;
    for (const [id, [bytes, ext]] of Object.entries(inputs)) {
      const source = join(d, `${id}.${ext}`);
      await writeFileAtomic(source, ext === 'png' ? await sharp(bytes).png().toBuffer() : bytes);
      const image = await sharp(source).metadata();
      const size = { width: image.width!, height: image.height! };
      await writeImageOutputs(join(d, 'out'), { id, source, image: source, classMap: new Uint8Array(size.width * size.height), ...size, regions: [] });
    }
    expect((await readFile(join(d, 'out', 'thumbs', 'small.jpg'))).equals(inputs.small[0])).toBe(true);
    const large = await sharp(await readFile(join(d, 'out', 'thumbs', 'large.jpg'))).metadata();
    expect([large.format, large.width, large.height]).toEqual(['jpeg', 320, 229]);
    const png = await sharp(await readFile(join(d, 'out', 'thumbs', 'png.jpg'))).metadata();
    expect([png.format, png.width, png.height]).toEqual(['jpeg', 320, 240]);
    await rm(d, { recursive: true, force: true });
  });
  it('draws the overlay of a large image at a size that fits, its label and region maps at full size', async () => {
    const d = await mkdtemp(join(tmpdir(), 'acseg-overlay-size-'));
    const W = 90,
      H = 61;
    const pixels = new Uint8Array(W * H * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + (i % 7) * 11) & 255;
    const image: RgbImage = { width: W, height: H, data: pixels };
    const classMap = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) classMap[y * W + x] = x < 30 ? 1 : y < 20 ? 15 : 255;
    const seg = { id: 'big', source: 'big.png', image, classMap, regionMap: classMap, width: W, height: H, regions: [] };
    await writeImageOutputs(join(d, 'out'), seg, { overlayMaxSide: 40 });
    const label = decode(await readFile(join(d, 'out', 'big.png')));
    expect([label.width, label.height]).toEqual([W, H]);
    expect(Array.from(label.data)).toEqual(Array.from(classMap));
    expect([decode(await readFile(join(d, 'out', 'big.regions.png'))).width, decode(await readFile(join(d, 'out', 'big.regions.png'))).height]).toEqual([W, H]);
    const overlay = decode(await readFile(join(d, 'out', 'big.overlay.png')));
    expect([overlay.width, overlay.height]).toEqual([40, 27]); // 61 · 40/90 = 27.1
    // Independently: the image resized by libvips (lanczos3), each overlay pixel's class from the map at its centre.
    const small = await sharp(pixels, { raw: { width: W, height: H, channels: 3 } })
      .resize(40, 27, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer();
    const expected = new Uint8Array(40 * 27 * 3);
    for (let y = 0; y < 27; y++)
      for (let x = 0; x < 40; x++) {
        const c = classMap[Math.floor(((y + 0.5) * H) / 27) * W + Math.floor(((x + 0.5) * W) / 40)];
        for (let ch = 0; ch < 3; ch++) {
          const p = small[(y * 40 + x) * 3 + ch];
          expected[(y * 40 + x) * 3 + ch] = c === 255 ? p : Math.round(0.5 * p + 0.5 * VOC_PALETTE[c][ch]);
        }
      }
    expect(Array.from(overlay.data)).toEqual(Array.from(expected));
    // At the default limit, and with 0 (no limit), the same image keeps its overlay at full size.
    for (const options of [{}, { overlayMaxSide: 0 }]) {
      await writeImageOutputs(join(d, 'full'), seg, options);
      expect([decode(await readFile(join(d, 'full', 'big.overlay.png'))).width, decode(await readFile(join(d, 'full', 'big.overlay.png'))).height]).toEqual([
        W,
        H,
      ]);
    }
    expect(overlaySize(4032, 3024)).toEqual({ width: OVERLAY_MAX_SIDE, height: 1536 });
    expect(overlaySize(3024, 4032, 1000)).toEqual({ width: 750, height: 1000 });
    expect(overlaySize(2048, 1024)).toEqual({ width: 2048, height: 1024 });
    expect(Array.from(sampleMap(Uint8Array.from([1, 2, 3, 4, 5, 6]), 3, 2, 3, 1))).toEqual([4, 5, 6]); // the centre of the one row is in the second
    await rm(d, { recursive: true, force: true });
  });
});
