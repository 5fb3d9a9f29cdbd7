import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { buildExplorer } from '@acseg/explorer';
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
    for (const f of ['index.html', 'explorer.js', 'data/index.js', 'data/page-0001.js', 'data/emb-0001.js', 'thumbs/a.jpg']) expect(existsSync(join(fx.run, 'explore', f))).toBe(true);
    for (const f of ['fig4-concept-map', 'fig5-grid', 'fig6-retrieval']) {
      expect(readFileSync(join(fx.run, 'explore', 'figures', `${f}.svg`), 'utf8')).toMatch(/^<svg xmlns/);
      expect(readFileSync(join(fx.run, 'explore', 'figures', `${f}.png`)).subarray(1, 4).toString()).toBe('PNG');
    }
    // The built CLI lays out on worker threads; in-process from sources it lays out on this thread: the same maps.
    const here = await buildExplorer({ run: fx.run, out: join(dir, 'in-process'), features: fx.cache, groundTruth: fx.groundTruth, epochs: 30 });
    const maps = (file: string) => { const t = readFileSync(file, 'utf8'); return (JSON.parse(t.slice(t.indexOf(', ') + 2, t.lastIndexOf(')'))) as Array<{ map: unknown }>).map((p) => p.map); };
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
    for (const [name, colours] of [['one', [[200, 30, 30], [30, 200, 30], [30, 30, 200]]], ['two', [[30, 200, 30], [200, 200, 30], [30, 30, 200]]]] as const) {
      const rgb = Buffer.alloc(64 * 48 * 3);
      for (let p = 0; p < 64 * 48; p++) rgb.set(colours[Math.min(2, Math.floor((p % 64) / 22))], p * 3);
      await sharp(rgb, { raw: { width: 64, height: 48, channels: 3 } }).png().toFile(join(images, `${name}.png`));
    }
    const seg = acseg(['segment', '--images', images, '--out', join(dir, 'out'), '--features-cache', join(dir, 'cache'), '--backbone', 'handcrafted', '--generator', 'kmeans', '--k', '3', '--quiet']);
    expect(seg.status).toBe(0);
    const r = acseg(['explore', join(dir, 'out'), '--features', join(dir, 'cache'), '--epochs', '20', '--quiet']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1); // nothing missing
    const text = readFileSync(join(dir, 'out', 'explore', 'data', 'page-0001.js'), 'utf8');
    const pageData = JSON.parse(text.slice(text.indexOf(', ') + 2, text.lastIndexOf(')'))) as Array<{ id: string; map: { r: number[] } | null; regions: unknown[] }>;
    expect(pageData.map((p) => p.id)).toEqual(['one', 'two']);
    for (const p of pageData) {
      expect(p.map).not.toBeNull();
      expect(new Set(p.map!.r.filter((x) => x >= 0)).size).toBe(p.regions.length);
    }
    // The same embeddings when the backbone makes them (handcrafted: the pixel-weighted mean of its patch features,
    // its own code), within the int8 storage's rounding.
    const emb = (f: string) => { const t = readFileSync(f, 'utf8'); return JSON.parse(t.slice(t.indexOf(', ') + 2, t.lastIndexOf(')'))) as { refs: number[][]; q: string }; };
    const fromCache = emb(join(dir, 'out', 'explore', 'data', 'emb-0001.js'));
    const viaBackbone = acseg(['explore', join(dir, 'out'), '--out', join(dir, 'x2'), '--backbone', 'handcrafted', '--epochs', '20', '--quiet']);
    expect(viaBackbone.status).toBe(0);
    expect(viaBackbone.stdout).toContain('features missing for 2 of 2 images'); // no cache: no concept maps, but retrieval
    const fromBackbone = emb(join(dir, 'x2', 'data', 'emb-0001.js'));
    expect(fromBackbone.refs).toEqual(fromCache.refs);
    const a = new Int8Array(Buffer.from(fromCache.q, 'base64'));
    const b = new Int8Array(Buffer.from(fromBackbone.q, 'base64'));
    expect(a.length).toBe(b.length);
    expect(a.every((v, j) => Math.abs(v - b[j]) <= 1)).toBe(true);
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
