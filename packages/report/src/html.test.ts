import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decode } from 'fast-png';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@acseg/core/testing';
import { formatMeanStd, writeEvalReport } from './index.js';
import { makeGallery, makeReport, tricolourMap } from './testing/fixtures/run.js';

afterAll(removeTempDirs);

describe('writeGallery', () => {
  it('writes per-image outputs and a self-contained index.html', async () => {
    const dir = await tempDir('acseg-gallery-');
    const index = await makeGallery(dir);
    const out = join(dir, 'out');
    const listing = (await readdir(out, { recursive: true })).map(String).sort();
    expect(listing).toEqual([
      'first image.json',
      'first image.overlay.png',
      'first image.png',
      'index.html',
      'second.json',
      'second.overlay.png',
      'second.png',
      'thumbs',
      'thumbs/first image.jpg',
      'thumbs/second.jpg',
    ]);
    const json = JSON.parse(await readFile(join(out, 'second.json'), 'utf8'));
    expect(json).toMatchObject({ id: 'second', width: 60, height: 40, files: { label: 'second.png', overlay: 'second.overlay.png' } });
    expect(json.regions).toHaveLength(4);
    expect(Array.from(decode(await readFile(join(out, 'second.png'))).data)).toEqual(Array.from(tricolourMap(60, 40)));
    const html = await readFile(index, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|https?:\/\/|url\(/i); // nothing external, no scripts
    expect(html.match(/<article class="card"/g)).toHaveLength(2);
    expect(html.match(/<img /g)).toHaveLength(6);
    expect(html).toContain('src="first%20image.overlay.png"');
    expect(html).toContain('src="thumbs/first%20image.jpg"');
    expect(html).toContain('green &lt;thing&gt;'); // escaped class name
    expect(html).toContain('<code>/data/broken.jpg</code>: cannot read the image (VipsJpeg: premature end)');
    expect(html).toContain('backbone: handcrafted (no DINO model found)');
    expect(html.match(/<span class="swatch" style="background: rgb\(128, 0, 0\)">/g)).toHaveLength(1);
  });
});

describe('writeEvalReport', () => {
  it('formats scores as the paper does', () => {
    expect(formatMeanStd({ mean: 47.13, std: 2.41 }, 10)).toBe('47.1 ± 2.4');
    expect(formatMeanStd(53.94, 1)).toBe('53.9');
  });

  it('writes report.html, metrics.json and sample pictures', async () => {
    const dir = await tempDir('acseg-eval-');
    await makeGallery(dir); // for the input file sample b reads
    const report = makeReport(dir);
    const { html: htmlPath, json } = await writeEvalReport(join(dir, 'report'), report);
    const listing = (await readdir(join(dir, 'report'), { recursive: true })).map(String).sort();
    expect(listing).toEqual([
      'metrics.json',
      'report.html',
      'samples',
      'samples/a.gt.png',
      'samples/a.jpg',
      'samples/a.pred.png',
      'samples/b.gt.png',
      'samples/b.jpg',
      'samples/b.pred.png',
    ]);
    const metrics = JSON.parse(await readFile(json, 'utf8'));
    expect(metrics.mIoU).toEqual({ mean: 47.13, std: 2.41 });
    expect(metrics.perClassIoU).toEqual([95.2, 80, 62.5, null]);
    expect(metrics.samples[0].image).toEqual({ id: 'a', width: 48, height: 32 });
    expect(Buffer.from(metrics.samples[0].prediction, 'base64')).toEqual(Buffer.from(report.samples![0].prediction as Uint8Array));
    // Sample b: the 96×64 file cropped at (24, 16): its pixel (0, 0) is the red third (x 24), (20, 0) the green one (x 44), (44, 0) the blue one (x 68).
    const b = await sharp(join(dir, 'report', 'samples', 'b.jpg'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(b.info.width).toBe(48);
    expect(b.data[0]).toBeGreaterThan(180);
    expect(b.data[3 * 20 + 1]).toBeGreaterThan(160);
    expect(b.data[3 * 44 + 2]).toBeGreaterThan(180);
    // The ground truth as shown: RGB in the palette, class borders white. a's pixel (0, 0) is void beside a class: an
    // outline; (0, 1) lies inside the first third (class 1): VOC's maroon.
    const shown = decode(await readFile(join(dir, 'report', 'samples', 'a.gt.png')));
    expect(shown.channels).toBe(3);
    expect(Array.from(shown.data.slice(0, 3))).toEqual([255, 255, 255]);
    expect(Array.from(shown.data.slice(3 * 48, 3 * 48 + 3))).toEqual([128, 0, 0]);
    const html = await readFile(htmlPath, 'utf8');
    // Nothing loaded from outside, no scripts; the one web address is the protocol's link.
    expect(html).not.toMatch(/<script|<link|url\(|src="https?:/i);
    expect([...html.matchAll(/https?:\/\/[^"<\s]+/g)].map((m) => m[0])).toEqual(['https://arxiv.org/abs/2210.05944']);
    expect(html).toMatch(
      /<td>ACSeg \(handcrafted\)<\/td><td>unsupervised \(k-means\)<\/td><td class="num">47\.1 ± 2\.4<\/td><td class="num">81\.0 ± 1\.5<\/td>/,
    );
    expect(html.match(/<table id="seeds">[\s\S]*?<\/table>/)![0].match(/<tr>/g)).toHaveLength(4);
    // Per-class rows: the undefined IoU prints as a dash with an empty bar.
    expect(html).toMatch(/<td>blue &amp; co<\/td><td class="num">–<\/td><td><div class="bar"><span style="width: 0\.0%"><\/span>/);
    expect(html).toMatch(/<td>green &lt;thing&gt;<\/td><td class="num">62\.5<\/td><td><div class="bar"><span style="width: 62\.5%">/);
    // Confusion heat map: row "red thing" = [0, 80, 20, 0] → 80% and 20% of the row.
    const heat = html.match(/<table class="heat" id="confusion">[\s\S]*?<\/table>/)![0];
    expect(heat.match(/<tr>/g)).toHaveLength(5);
    expect(heat).toMatch(
      /<tr><th>red thing<\/th><td style="background: rgba\(60, 111, 216, 0\.000\)[^>]*><\/td><td style="background: rgba\(60, 111, 216, 0\.800\)[^>]*>80<\/td><td style="background: rgba\(60, 111, 216, 0\.200\)[^>]*>20<\/td>/,
    );
    expect(html.match(/<article class="card"/g)).toHaveLength(2);
    expect(html).toContain('<code>/data/c.jpg</code>: label file missing');
  });

  it('refuses inconsistent reports', async () => {
    const dir = await tempDir('acseg-eval-');
    const base = makeReport(dir);
    await expect(writeEvalReport(dir, { ...base, classNames: [] })).rejects.toThrow(/class list is empty/);
    await expect(writeEvalReport(dir, { ...base, confusion: [[1]] })).rejects.toThrow(/confusion matrix must be 4×4/);
    await expect(writeEvalReport(dir, { ...base, samples: [{ ...base.samples![0], prediction: new Uint8Array(3) }] })).rejects.toThrow(
      /sample a prediction: the class map holds 3 values, expected 48×32/,
    );
  });
});
