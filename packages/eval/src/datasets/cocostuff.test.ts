import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGreyPng, writeJpeg } from '../testing/files.js';
import { resizeCropNearest, shortSideCrop } from '../transform.js';
import { fineToCoarse, loadCocoMapping, openCocoStuff27 } from './cocostuff.js';

interface Case {
  width: number;
  height: number;
  size: number;
  label: number[];
  resize: [number, number];
  crop: [number, number, number, number];
  expected: number[];
}

describe('COCO-Stuff transform geometry', () => {
  it('matches the torch reference (nearest-exact resize of the short side, centre crop with Python round)', async () => {
    const fx = JSON.parse(await readFile(new URL('../testing/fixtures/coco-transform.json', import.meta.url), 'utf8')) as { cases: Case[] };
    for (const c of fx.cases) {
      const t = shortSideCrop(c.width, c.height, c.size);
      expect([t.resize.width, t.resize.height]).toEqual(c.resize);
      expect([t.crop.left, t.crop.top, t.crop.width, t.crop.height]).toEqual(c.crop);
      const out = resizeCropNearest({ width: c.width, height: c.height, data: Uint8Array.from(c.label) }, t);
      expect(Array.from(out.data)).toEqual(c.expected);
    }
  });
  it('gives 320×320 crops of COCO-sized images', () => {
    expect(shortSideCrop(640, 480, 320)).toEqual({ resize: { width: 426, height: 320 }, crop: { left: 53, top: 0, width: 320, height: 320 } });
    expect(shortSideCrop(427, 640, 320)).toEqual({ resize: { width: 320, height: 479 }, crop: { left: 0, top: 80, width: 320, height: 320 } });
  });
});

describe('COCO-Stuff-27 mapping', () => {
  it('maps the 182 stuffthingmaps values: things (0..90) to 0..11, stuff (91..181) to 12..26, 255 stays void', async () => {
    const m = await loadCocoMapping();
    expect(m.fineToCoarse).toHaveLength(182);
    expect(m.coarseNames).toHaveLength(27);
    expect(m.fineToCoarse.slice(0, 91).every((c) => c < 12)).toBe(true);
    expect(m.fineToCoarse.slice(91).every((c) => c >= 12 && c < 27)).toBe(true);
    // Known entries (COCO ids − 1): person 0 → "person", car 2 → "vehicle", dog 17 → "animal", sky-other 156 → "sky", grass 123 → "plant".
    const name = (v: number): string => m.coarseNames[m.fineToCoarse[v]];
    expect([name(0), name(2), name(17), name(156), name(123)]).toEqual(['person', 'vehicle', 'animal', 'sky', 'plant']);
    const out = fineToCoarse({ width: 3, height: 1, data: Uint8Array.from([0, 255, 156]) }, m, 'x.png');
    expect(Array.from(out.data)).toEqual([9, 255, 23]);
    expect(() => fineToCoarse({ width: 1, height: 1, data: Uint8Array.from([200]) }, m, 'x.png')).toThrow(/x\.png: value 200 is not a COCO-Stuff class/);
  });
});

describe('openCocoStuff27 on a synthetic COCO layout', () => {
  let root: string;
  const W = 64;
  const H = 48;
  // Left half person (fine 0), right half sky (fine 156), top row void.
  const fine = Array.from({ length: W * H }, (_, p) => (p < W ? 255 : p % W < W / 2 ? 0 : 156));
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'acseg-eval-coco-'));
    // Two ids of the curated val list exist; the other 2173 are missing.
    for (const id of ['000000000139', '000000000724']) {
      await writeJpeg(join(root, 'images', 'val2017', `${id}.jpg`), W, H);
      await writeGreyPng(join(root, 'annotations', 'val2017', `${id}.png`), W, H, fine);
    }
    await writeJpeg(join(root, 'images', 'val2017', 'bad.jpg'), W, H);
    await writeGreyPng(join(root, 'annotations', 'val2017', 'bad.png'), W, H, new Array<number>(W * H).fill(190));
    await writeFile(join(root, 'ids.txt'), '000000000139\nbad\n');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads the curated list, reports missing files, maps and crops labels and images alike', async () => {
    const ds = await openCocoStuff27(root, { split: 'val' });
    expect(ds.items.map((i) => i.id)).toEqual(['000000000139', '000000000724']);
    expect(ds.problems).toHaveLength(2173);
    expect(ds.classNames).toHaveLength(27);
    expect(ds.hasBackground).toBe(false);
    const l = await ds.loadLabel(ds.items[0]);
    expect([l.width, l.height]).toEqual([320, 320]);
    // Resize 64×48 → 426×320, crop left 53: x' = x + 53 maps to source floor((x'+0.5)·64/426);
    // source column 32 (sky) starts at x' = 213 (212.5·64/426 ≈ 31.92 < 32 ≤ 213.5·64/426), so x = 160.
    // Source row 0 (void) covers y with floor((y+0.5)·48/320) = 0, i.e. y ≤ 6.
    const at = (x: number, y: number): number => l.data[y * 320 + x];
    expect([at(0, 6), at(0, 7), at(159, 100), at(160, 100), at(319, 319)]).toEqual([255, 9, 9, 23, 23]);
    const img = await ds.preprocessImage!(ds.items[0]);
    expect([img.width, img.height, img.data.length]).toEqual([320, 320, 320 * 320 * 3]);
    expect(Math.abs(img.data[0] - 120)).toBeLessThan(8);
    expect(await ds.imageTransform!(ds.items[0])).toEqual({ resize: { width: 426, height: 320 }, crop: { left: 53, top: 0, width: 320, height: 320 } });
  });
  it('takes an id list and names the label file with values outside the classes', async () => {
    const ds = await openCocoStuff27(root, { ids: join(root, 'ids.txt') });
    expect(ds.items).toHaveLength(2);
    await expect(ds.loadLabel(ds.items[1])).rejects.toThrow(/bad\.png: value 190 is not a COCO-Stuff class/);
  });
  it('refuses a root without images/val2017', async () => {
    await expect(openCocoStuff27(join(root, 'images'))).rejects.toThrow(/not a COCO-Stuff root: images\/val2017\/ is missing/);
  });
});
