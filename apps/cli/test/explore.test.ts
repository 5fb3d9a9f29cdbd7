import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { buildExplorer, imageIou } from '@acseg/explorer';
import { makePlantedRun } from '../../../packages/explorer/src/testing/fixtures/planted-run.js';
import { acseg, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

describe('acseg explore', () => {
  it('writes the explorer and the three figures, and names per kind the images that lack an input', async () => {
    const dir = tempDir();
    const fx = await makePlantedRun(dir, { withoutFeatures: ['b'], oldVersion: ['d'] });
    const r = acseg(['explore', fx.run, '--features', fx.cache, '--ground-truth', fx.groundTruth, '--figures', '--epochs', '30', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`explorer of 6 images in ${join(fx.run, 'explore')}`);
    expect(r.stdout).toContain('region map missing for 1 of 6 images: d');
    expect(r.stdout).toContain('features missing for 1 of 6 images: b');
    for (const f of ['index.html', 'explorer.js', 'data/index.js', 'data/page-0001.js', 'data/emb-0001.js', 'thumbs/a.jpg'])
      expect(existsSync(join(fx.run, 'explore', f))).toBe(true);
    for (const f of ['fig4-concept-map', 'fig5-grid', 'fig6-retrieval']) {
      expect(readFileSync(join(fx.run, 'explore', 'figures', `${f}.svg`), 'utf8')).toMatch(/^<svg xmlns/);
      expect(
        readFileSync(join(fx.run, 'explore', 'figures', `${f}.png`))
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    }
    // The built CLI lays out on worker threads; in-process from sources it lays out on this thread: the same maps.
    const here = await buildExplorer({ run: fx.run, out: join(dir, 'in-process'), features: fx.cache, groundTruth: fx.groundTruth, epochs: 30 });
    const maps = (file: string) => {
      const t = readFileSync(file, 'utf8');
      return (JSON.parse(t.slice(t.indexOf(', ') + 2, t.lastIndexOf(')'))) as Array<{ map: unknown }>).map((p) => p.map);
    };
    expect(maps(join(here.dir, 'data', 'page-0001.js'))).toEqual(maps(join(fx.run, 'explore', 'data', 'page-0001.js')));
    // Figure 6 of image a's largest region (region 0 and 1 tie at 32 px: region 0): images b..f's region 0, b lacks features.
    const six = readFileSync(join(fx.run, 'explore', 'figures', 'fig6-retrieval.svg'), 'utf8');
    const found = [...six.matchAll(/>(\w) · (-?\d\.\d+)</g)];
    expect(found).toHaveLength(5);
    expect(found.slice(0, 3).map((m) => m[1])).toEqual(['c', 'e', 'f']);
    // cos(e1, e1 + 0.1·m·e3) = 1 / √(1 + 0.01 m²) for m = 2, 4, 5, within the int8 storage's rounding.
    found.slice(0, 3).forEach((f, j) => expect(Math.abs(Number(f[2]) - 1 / Math.sqrt(1 + 0.01 * [2, 4, 5][j] ** 2))).toBeLessThan(0.005));
  });

  it('joins what `acseg segment` really writes with its feature cache: every image gets regions, a concept map and embeddings', async () => {
    const dir = tempDir();
    const images = join(dir, 'images');
    mkdirSync(images);
    // Two 64×48 pictures of three flat colour bands each, so the regions are unmistakable.
    for (const [name, colours] of [
      [
        'one',
        [
          [200, 30, 30],
          [30, 200, 30],
          [30, 30, 200],
        ],
      ],
      [
        'two',
        [
          [30, 200, 30],
          [200, 200, 30],
          [30, 30, 200],
        ],
      ],
    ] as const) {
      const rgb = Buffer.alloc(64 * 48 * 3);
      for (let p = 0; p < 64 * 48; p++) rgb.set(colours[Math.min(2, Math.floor((p % 64) / 22))], p * 3);
      await sharp(rgb, { raw: { width: 64, height: 48, channels: 3 } })
        .png()
        .toFile(join(images, `${name}.png`));
    }
    const seg = acseg([
      'segment',
      '--images',
      images,
      '--out',
      join(dir, 'out'),
      '--features-cache',
      join(dir, 'cache'),
      '--backbone',
      'handcrafted',
      '--generator',
      'kmeans',
      '--k',
      '3',
      '--quiet',
    ]);
    expect(seg.status).toBe(0);
    const r = acseg(['explore', join(dir, 'out'), '--features', join(dir, 'cache'), '--epochs', '20', '--quiet']);
    expect(r.status).toBe(0);
    // Nothing missing; retrieval embeds with the backbone the cache records (segment made it with handcrafted).
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^explorer of 2 images/),
      expect.stringMatching(/^retrieval: backbone handcrafted \(plugin @acseg\/backbone-handcrafted [\d.]+, recorded in the feature cache\), as the k-NN/),
    ]);
    const text = readFileSync(join(dir, 'out', 'explore', 'data', 'page-0001.js'), 'utf8');
    const pageData = JSON.parse(text.slice(text.indexOf(', ') + 2, text.lastIndexOf(')'))) as Array<{
      id: string;
      map: { r: number[] } | null;
      regions: unknown[];
    }>;
    expect(pageData.map((p) => p.id)).toEqual(['one', 'two']);
    for (const p of pageData) {
      expect(p.map).not.toBeNull();
      expect(new Set(p.map!.r.filter((x) => x >= 0)).size).toBe(p.regions.length);
    }
    // The same embeddings when the backbone makes them (handcrafted: the pixel-weighted mean of its patch features,
    // its own code) as the pooled cached features (the explorer's code, in process without a backbone), within the
    // int8 storage's rounding.
    const emb = (f: string) => {
      const t = readFileSync(f, 'utf8');
      return JSON.parse(t.slice(t.indexOf(', ') + 2, t.lastIndexOf(')'))) as { refs: number[][]; q: string };
    };
    const pooled = await buildExplorer({ run: join(dir, 'out'), out: join(dir, 'pooled'), features: join(dir, 'cache'), epochs: 20 });
    const fromCache = emb(join(pooled.dir, 'data', 'emb-0001.js'));
    const recorded = emb(join(dir, 'out', 'explore', 'data', 'emb-0001.js'));
    expect(recorded.refs).toEqual(fromCache.refs);
    const viaBackbone = acseg(['explore', join(dir, 'out'), '--out', join(dir, 'x2'), '--backbone', 'handcrafted', '--epochs', '20', '--quiet']);
    expect(viaBackbone.status).toBe(0);
    expect(viaBackbone.stdout).toContain('features missing for 2 of 2 images'); // no cache: no concept maps, but retrieval
    const fromBackbone = emb(join(dir, 'x2', 'data', 'emb-0001.js'));
    expect(fromBackbone.refs).toEqual(fromCache.refs);
    const a = new Int8Array(Buffer.from(fromCache.q, 'base64'));
    const b = new Int8Array(Buffer.from(fromBackbone.q, 'base64'));
    expect(a.length).toBe(b.length);
    expect(a.every((v, j) => Math.abs(v - b[j]) <= 1)).toBe(true);
    const c = new Int8Array(Buffer.from(recorded.q, 'base64'));
    expect(c.every((v, j) => Math.abs(v - a[j]) <= 1)).toBe(true);
  });

  it('--dataset: ground truth read as eval reads it (CamVid layout), matched to the run by file; per-image IoU', async () => {
    const dir = tempDir();
    // A CamVid-layout val split of two banded pictures; the annotation is the band index (classes 0, 1, 2).
    const root = join(dir, 'camvid');
    for (const sub of ['val', 'valannot']) mkdirSync(join(root, sub), { recursive: true });
    writeFileSync(join(root, 'val.txt'), 'one\ntwo\n');
    for (const name of ['one', 'two']) {
      const rgb = Buffer.alloc(64 * 48 * 3);
      const grey = new Uint8Array(64 * 48);
      for (let p = 0; p < 64 * 48; p++) {
        const band = Math.min(2, Math.floor((p % 64) / 22));
        grey[p] = band;
        rgb.set(
          name === 'one'
            ? [
                [200, 30, 30],
                [30, 200, 30],
                [30, 30, 200],
              ][band]
            : [
                [30, 200, 30],
                [200, 200, 30],
                [30, 30, 200],
              ][band],
          p * 3,
        );
      }
      await sharp(rgb, { raw: { width: 64, height: 48, channels: 3 } })
        .jpeg({ quality: 95 })
        .toFile(join(root, 'val', `${name}.jpg`));
      await sharp(Buffer.from(grey), { raw: { width: 64, height: 48, channels: 1 } })
        .png()
        .toFile(join(root, 'valannot', `${name}.png`));
    }
    const seg = acseg([
      'segment',
      '--images',
      join(root, 'val'),
      '--out',
      join(dir, 'out'),
      '--features-cache',
      join(dir, 'cache'),
      '--backbone',
      'handcrafted',
      '--generator',
      'kmeans',
      '--k',
      '3',
      '--quiet',
    ]);
    expect(seg.status, seg.stderr).toBe(0);
    const r = acseg(['explore', join(dir, 'out'), '--features', join(dir, 'cache'), '--dataset', 'camvid', '--root', root, '--epochs', '20', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('ground truth missing');
    const text = readFileSync(join(dir, 'out', 'explore', 'data', 'page-0001.js'), 'utf8');
    const pageData = JSON.parse(text.slice(text.indexOf(', ') + 2, text.lastIndexOf(')'))) as Array<{
      id: string;
      gtRle: number[] | null;
      regionsRle: number[];
      iou: number | null;
    }>;
    const unpack = (rle: number[]) => {
      const flat: number[] = [];
      for (let k = 0; k < rle.length; k += 2) for (let c = 0; c < rle[k + 1]; c++) flat.push(rle[k]);
      return Uint8Array.from(flat);
    };
    for (const p of pageData) {
      // Each row of the map is 22 × band 0, 22 × band 1, 20 × band 2.
      const gt = unpack(p.gtRle!);
      expect(Array.from(gt.subarray(0, 64))).toEqual([...Array(22).fill(0), ...Array(22).fill(1), ...Array(20).fill(2)]);
      // The per-image IoU is that of the page's own region map against this ground truth.
      expect(p.iou).not.toBeNull();
      expect(p.iou).toBeCloseTo(imageIou(unpack(p.regionsRle), gt)!, 4);
    }
    const index = readFileSync(join(dir, 'out', 'explore', 'data', 'index.js'), 'utf8');
    expect(index).toContain('ground truth: camvid val');
    // One source of ground truth at a time, and --dataset needs its root: usage errors.
    const both = acseg(['explore', join(dir, 'out'), '--dataset', 'camvid', '--root', root, '--ground-truth', dir, '--quiet']);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/give the ground truth once/);
    const noRoot = acseg(['explore', join(dir, 'out'), '--dataset', 'camvid', '--quiet']);
    expect(noRoot.status).toBe(2);
    expect(noRoot.stderr).toMatch(/--dataset camvid needs --root/);
  });

  it('fails in one line, exit 1, on a folder that is not a run; exit 2 for an unknown --image', async () => {
    const dir = tempDir();
    const r = acseg(['explore', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/not an output folder of acseg run or segment/);
    const fx = await makePlantedRun(join(dir, 'p'));
    const bad = acseg(['explore', fx.run, '--figures', '--image', 'nope', '--quiet']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--image nope: no such image/);
  });
});
