import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ComponentRegistry,
  validateFeatureMap,
  validatePlugin,
  type FeatureResult,
  type ImageDecoder,
  type ImageInput,
  type RegionMap,
  type RgbImage,
  registerPlugin,
} from '@acseg/core';
import plugin, { FEATURE_DIM, HandcraftedBackbone, LAYOUT } from './index.js';

const COLOR_K = 1 / 1.5;

function solid(width: number, height: number, rgb: [number, number, number], id?: string): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, 3 * i);
  return { width, height, data, id };
}

/** Left part (x < split) one colour, the rest another. */
function halves(width: number, height: number, split: number, a: [number, number, number], b: [number, number, number]): RgbImage {
  const img = solid(width, height, b);
  for (let y = 0; y < height; y++) for (let x = 0; x < split; x++) img.data.set(a, 3 * (y * width + x));
  return img;
}

async function collect(it: AsyncIterable<FeatureResult>): Promise<FeatureResult[]> {
  const out: FeatureResult[] = [];
  for await (const r of it) out.push(r);
  return out;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-hc-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('HandcraftedBackbone', () => {
  it('describes itself: 14×14 grid at 224, d = 96, no attention', () => {
    const b = new HandcraftedBackbone();
    expect(b.info).toMatchObject({ patchSize: 16, inputSize: 224, dim: 96, hasAttention: false, model: 'handcrafted-v1-224' });
    expect(new HandcraftedBackbone({ position: 'true' }).info.model).toBe('handcrafted-v1-224-pos0.5');
    expect(FEATURE_DIM).toBe(96);
  });

  it('extracts valid feature maps at the original image size, with a mean-pooled CLS', async () => {
    const b = new HandcraftedBackbone();
    const [r] = await collect(b.extract([halves(320, 240, 160, [255, 0, 0], [0, 0, 255])]));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const f = r.features;
    validateFeatureMap(f);
    expect(f.grid).toEqual({ h: 14, w: 14 });
    expect(f.imageSize).toEqual({ width: 320, height: 240 });
    expect(f.tokens.length).toBe(196 * 96);
    for (const j of [0, 5, 40]) {
      let s = 0;
      for (let p = 0; p < 196; p++) s += f.tokens[p * 96 + j];
      expect(f.cls![j]).toBeCloseTo(s / 196, 5);
    }
    // Far from the boundary the resize leaves pure colours: red Lab L = 53.24.
    expect(f.tokens[LAYOUT.mean.offset]).toBeCloseTo((53.24 / 100) * COLOR_K, 2);
    expect(f.tokens[13 * 96 + LAYOUT.mean.offset]).toBeCloseTo((32.3 / 100) * COLOR_K, 2);
  });

  it('pools region embeddings as the pixel-weighted mean of patch features', async () => {
    const b = new HandcraftedBackbone();
    // 224×224, so pixel (x, y) lies in patch (y>>4, x>>4); regions: a 40×40 square at (20, 30), the rest.
    const img = halves(224, 224, 112, [200, 200, 40], [30, 60, 90]);
    const labels = new Uint16Array(224 * 224);
    for (let y = 30; y < 70; y++) for (let x = 20; x < 60; x++) labels[y * 224 + x] = 1;
    const regions: RegionMap = { width: 224, height: 224, labels, count: 2, concepts: [0, 1], pixelCounts: [224 * 224 - 1600, 1600] };
    const f = await b.features(img);
    const [e1] = await b.regionEmbeddings(img, regions, [1]);
    // Brute force: average each pixel's patch feature over the square.
    const expected = new Float64Array(96);
    for (let y = 30; y < 70; y++)
      for (let x = 20; x < 60; x++) {
        const p = (y >> 4) * 14 + (x >> 4);
        for (let j = 0; j < 96; j++) expected[j] += f.tokens[p * 96 + j] / 1600;
      }
    for (let j = 0; j < 96; j++) expect(e1[j]).toBeCloseTo(expected[j], 5);
    const all = await b.regionEmbeddings(img, regions);
    expect(all).toHaveLength(2);
    await expect(b.regionEmbeddings(img, regions, [2])).rejects.toThrow(/region 2 does not exist/);
    const wrong: RegionMap = { ...regions, width: 112, height: 448 };
    await expect(b.regionEmbeddings(img, wrong)).rejects.toThrow(/region map is 112×448 but the image is 224×224/);
  });

  it("embeds regions from the caller's feature map without reading the image again", async () => {
    const img = halves(224, 224, 112, [200, 200, 40], [30, 60, 90]);
    const labels = new Uint16Array(224 * 224);
    for (let y = 0; y < 224; y++) for (let x = 150; x < 224; x++) labels[y * 224 + x] = 1;
    const regions: RegionMap = { width: 224, height: 224, labels, count: 2, concepts: [0, 1], pixelCounts: [224 * 150, 224 * 74] };
    const f = await new HandcraftedBackbone().features(img);
    const fresh = await new HandcraftedBackbone().regionEmbeddings(img, regions);
    // A path that does not exist: only the given feature map can answer, and it must give the same numbers.
    const fromMap = await new HandcraftedBackbone().regionEmbeddings('no-such-image.jpg', regions, undefined, f);
    expect(fromMap.map((e) => Array.from(e))).toEqual(fresh.map((e) => Array.from(e)));
    // A map of another backbone (other dim) is not used: the image is read, and here it does not exist.
    const other = { ...f, dim: 8, tokens: new Float32Array(196 * 8) };
    await expect(new HandcraftedBackbone().regionEmbeddings('no-such-image.jpg', regions, undefined, other)).rejects.toThrow(/no-such-image/);
  });

  it('normalizes grey, 16-bit, CMYK, alpha and EXIF-rotated files like the RGB equivalent', async () => {
    const b = new HandcraftedBackbone();
    const grey = join(dir, 'grey.png');
    await sharp(Buffer.alloc(64 * 48, 128), { raw: { width: 64, height: 48, channels: 1 } })
      .png()
      .toFile(grey);
    const grey16 = join(dir, 'grey16.png');
    await sharp(Buffer.alloc(64 * 48 * 2, 200), { raw: { width: 64, height: 48, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toFile(grey16);
    const rgba = join(dir, 'rgba.png');
    const rgbaData = Buffer.alloc(64 * 48 * 4);
    for (let i = 0; i < 64 * 48; i++) rgbaData.set([10, 200, 30, 77], 4 * i);
    await sharp(rgbaData, { raw: { width: 64, height: 48, channels: 4 } })
      .png()
      .toFile(rgba);
    const cmyk = join(dir, 'cmyk.jpg');
    await sharp(Buffer.alloc(64 * 48 * 3, 128), { raw: { width: 64, height: 48, channels: 3 } })
      .toColourspace('cmyk')
      .jpeg({ quality: 95 })
      .toFile(cmyk);
    // Stored 80×40 with its top half white, bottom half black; orientation 6 shows it rotated 90° clockwise (40×80, right half white).
    const rotated = join(dir, 'rotated.jpg');
    const raw = Buffer.alloc(80 * 40 * 3);
    raw.fill(255, 0, 80 * 20 * 3);
    await sharp(raw, { raw: { width: 80, height: 40, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toFile(rotated);

    const results = await collect(b.extract([grey, grey16, rgba, cmyk, rotated]));
    expect(results.every((r) => r.ok)).toBe(true);
    const f = results.map((r) => (r.ok ? r.features : undefined)!);
    const L = (m: (typeof f)[0], p: number) => (m.tokens[p * 96] / COLOR_K) * 100;
    expect(L(f[0], 50)).toBeCloseTo(53.585, 1); // grey 128
    // 16-bit 0xC8C8 → 8-bit 200: linear ((200/255 + 0.055)/1.055)^2.4 = 0.57758 → L = 116·0.57758^(1/3) − 16 = 80.60.
    expect(L(f[1], 50)).toBeCloseTo(80.6, 1);
    expect(f[2].tokens[50 * 96 + 1]).toBeLessThan(-0.3); // green after dropping alpha: a* strongly negative
    expect(Math.abs(L(f[3], 50) - 53.585)).toBeLessThan(6); // CMYK grey converted through ICC profiles: close to grey
    expect(f[4].imageSize).toEqual({ width: 40, height: 80 });
    expect(L(f[4], 0)).toBeLessThan(5); // top-left: black
    expect(L(f[4], 13)).toBeGreaterThan(95); // top-right: white
    expect(f[4].id).toBe('rotated');
    expect(f[4].source).toBe(rotated);
  });

  it('reports unreadable, non-image and too-small files by name, and goes on with the rest', async () => {
    const b = new HandcraftedBackbone();
    const text = join(dir, 'notes.jpg');
    await writeFile(text, 'this is not an image');
    const tiny = join(dir, 'tiny.png');
    await sharp(Buffer.alloc(10 * 30 * 3, 90), { raw: { width: 10, height: 30, channels: 3 } })
      .png()
      .toFile(tiny);
    const truncated = join(dir, 'cut.jpg');
    const full = await sharp(Buffer.alloc(100 * 100 * 3, 90), { raw: { width: 100, height: 100, channels: 3 } })
      .jpeg()
      .toBuffer();
    await writeFile(truncated, full.subarray(0, full.length / 2));
    const inputs: ImageInput[] = [
      text,
      solid(32, 32, [1, 2, 3], 'good'),
      join(dir, 'missing.png'),
      tiny,
      truncated,
      { width: 4, height: 4, data: new Uint8Array(5) },
    ];
    const r = await collect(b.extract(inputs));
    expect(r.map((x) => x.ok)).toEqual([false, true, false, false, false, false]);
    const errs = r.map((x) => (x.ok ? undefined : x.error));
    expect(errs[0]!.message).toMatch(/notes\.jpg: not a readable image/);
    expect(errs[0]!.code).toBe('BAD_IMAGE');
    expect(errs[0]!.file).toBe(text);
    expect(errs[2]!.message).toMatch(/missing\.png: the file does not exist/);
    expect(errs[3]!.message).toMatch(/tiny\.png: the image is 10×30, smaller than one 16×16 patch/);
    expect(errs[4]!.message).toMatch(/cut\.jpg/);
    expect(errs[4]!.file).toBe(truncated);
    expect(errs[5]!.code).toBe('BAD_INPUT');
    expect(r[1].ok && r[1].features.id).toBe('good');
  });

  it('decodes 8 images ahead of the one it yields, in order, and never more', async () => {
    const started: number[] = [];
    const gates = new Map<number, () => void>();
    const images: ImageDecoder = {
      maxPixels: 1e8,
      decode: async (image, o) => {
        const i = o?.index ?? -1;
        started.push(i);
        await new Promise<void>((go) => gates.set(i, go));
        return image as RgbImage;
      },
      size: async () => ({ width: 32, height: 32 }),
    };
    const b = new HandcraftedBackbone({}, { images });
    const inputs = Array.from({ length: 12 }, (_, i) => solid(32, 32, [20 * i, 50, 100], `im${i}`));
    const results = b.extract(inputs)[Symbol.asyncIterator]();
    const turns = () => new Promise((r) => setImmediate(r));
    const first = results.next();
    await turns();
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // The second image decodes first: still nothing is yielded before the first, and nothing more starts.
    gates.get(1)!();
    await turns();
    expect(started).toHaveLength(8);
    gates.get(0)!();
    const r0 = await first;
    expect(r0.value).toMatchObject({ ok: true, features: { id: 'im0' } });
    await turns();
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (let i = 2; i < 12; i++) {
      gates.get(i)?.();
      await turns();
    }
    for (let i = 8; i < 12; i++) gates.get(i)?.();
    const rest: string[] = [];
    for (let r = await results.next(); !r.done; r = await results.next()) {
      if (r.value.ok) rest.push(r.value.features.id);
      for (const go of gates.values()) go();
    }
    expect(rest).toEqual(inputs.slice(1).map((im) => im.id));
  });

  it('decodes fewer ahead once images are large (decodeAheadBytes), never under 2, still in order', async () => {
    let started = 0;
    const images: ImageDecoder = {
      maxPixels: 1e8,
      decode: async (image) => {
        started++;
        return image as RgbImage;
      },
      size: async () => ({ width: 64, height: 64 }),
    };
    const saved = HandcraftedBackbone.decodeAheadBytes;
    try {
      for (const [budget, settled] of [
        [3 * 64 * 64 * 3, 3],
        [64 * 64 * 3, 2],
      ] as const) {
        HandcraftedBackbone.decodeAheadBytes = budget;
        started = 0;
        const inputs = Array.from({ length: 14 }, (_, i) => solid(64, 64, [15 * i, 60, 90], `im${i}`));
        const ids: string[] = [];
        const inFlight: number[] = [];
        for await (const r of new HandcraftedBackbone({}, { images }).extract(inputs)) {
          if (r.ok) ids.push(r.features.id);
          inFlight.push(started - ids.length);
        }
        expect(ids).toEqual(inputs.map((im) => im.id));
        // 8 before any size is known; then the queue drains to the budget's count and stays there.
        expect(inFlight[0]).toBe(7);
        expect(Math.max(...inFlight.slice(8, 14 - settled))).toBe(settled);
      }
    } finally {
      HandcraftedBackbone.decodeAheadBytes = saved;
    }
  });

  it('refuses bad options with the option named', () => {
    expect(() => new HandcraftedBackbone({ inputSize: 100 })).toThrow(/inputSize must be a positive multiple of 16, got 100/);
    expect(() => new HandcraftedBackbone({ colorWeight: 'lots' })).toThrow(/colorWeight must be a number/);
    expect(() => new HandcraftedBackbone({ position: 'maybe' })).toThrow(/position must be true or false/);
    expect(() => new HandcraftedBackbone({ colorWeight: 0, textureWeight: 0 })).toThrow(/cannot both be 0/);
    expect(new HandcraftedBackbone({ inputSize: '448', k: 5 }).info.inputSize).toBe(448);
  });

  it('is a valid plugin registering backbone "handcrafted"', async () => {
    const p = validatePlugin(plugin, '@acseg/backbone-handcrafted');
    const reg = new ComponentRegistry();
    await registerPlugin(reg, p, 'test');
    const entry = reg.get('backbone', 'handcrafted');
    const ctx = { log: { info() {}, warn() {}, debug() {} }, progress: { start: () => ({ update() {}, stop() {} }) }, cacheDir: dir, verbose: false };
    const bb = (await entry.spec.create({ position: true }, ctx)) as HandcraftedBackbone;
    expect(bb.info.dim).toBe(96);
    expect(bb.options.position).toBe(true);
  });
});
