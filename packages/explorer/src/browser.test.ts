import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExplorer } from './build.js';
import { serveExplorer } from './serve.js';
import { IDS, SIZE, makePlantedRun, plantedVector, regionMapOf } from './testing/fixtures/planted-run.js';

/**
 * Drives the explorer in headless Chromium (Debian's `chromium`), as the
 * report package's browser tests do. Without it the test fails, unless
 * ACSEG_SKIP_BROWSER_TESTS is set.
 */
const CHROMIUM = '/usr/bin/chromium';
const SKIP = !!process.env.ACSEG_SKIP_BROWSER_TESTS;
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Opened {
  page: Page;
  errors: string[];
  external: string[];
}

describe.skipIf(SKIP)('explorer in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  let full: string;
  let partial: string;
  let limited: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) to run the browser tests, or set ACSEG_SKIP_BROWSER_TESTS=1 to skip them`,
      );
    }
    dir = await mkdtemp(join(tmpdir(), 'acseg-explore-browser-'));
    const fx = await makePlantedRun(join(dir, 'full'));
    full = (await buildExplorer({ run: fx.run, features: fx.cache, groundTruth: fx.groundTruth, pageSize: 2, epochs: 30 })).html;
    const px = await makePlantedRun(join(dir, 'partial'), { withoutFeatures: ['b'], withoutGroundTruth: ['c'], oldVersion: ['d'], shiftedGroundTruth: ['e'] });
    partial = (await buildExplorer({ run: px.run, features: px.cache, groundTruth: px.groundTruth, pageSize: 2, epochs: 30 })).html;
    const lx = await makePlantedRun(join(dir, 'limited'));
    limited = (await buildExplorer({ run: lx.run, features: lx.cache, pageSize: 2, epochs: 30, maxMaps: 1 })).dir;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(html: string, url = pathToFileURL(html).href): Promise<Opened> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    const external: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => errors.push(`failed to load ${r.url()}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:') && !r.url().startsWith(new URL(url).origin)) external.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="1"]');
    return { page, errors, external };
  }

  /** Per pixel of the highlight canvas: its alpha (a string: this package has no DOM types). */
  const canvasAlpha = (page: Page, selector: string): Promise<number[]> =>
    page.evaluate<number[]>(`(() => {
    const c = document.querySelector(${JSON.stringify(selector)});
    return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, k) => k % 4 === 3));
  })()`);

  it('concept map: clicking a concept highlights exactly its pixels and its points; hovering a point lights its region', async () => {
    const { page, errors, external } = await open(full);
    expect(await page.locator('#image-id').innerText()).toBe('a');
    expect(await page.locator('#scatter circle').count()).toBe(16);
    expect(await page.locator('#concepts button').count()).toBe(2);
    await page.locator('#concepts button[data-r="1"]').click();
    // Region 1 of image a (the right half): alpha 170; every other pixel darkened (alpha 140).
    const want = Array.from(regionMapOf(0), (r) => (r === 1 ? 170 : 140));
    expect(await canvasAlpha(page, '#map-image canvas')).toEqual(want);
    expect(await page.locator('#scatter circle.off').count()).toBe(8);
    expect(await page.locator('#scatter circle:not(.off)').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-r')))).toEqual(Array(8).fill('1'));
    // Hovering the image's region 0 (left half) picks out its points in the scatter.
    const box = (await page.locator('#map-image canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5);
    expect(await page.locator('#scatter circle:not(.off)').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-r')))).toEqual(Array(8).fill('0'));
    await page.locator('#scatter circle[data-r="0"]').first().hover();
    expect(await canvasAlpha(page, '#map-image canvas')).toEqual(Array.from(regionMapOf(0), (r) => (r === 0 ? 170 : 140)));
    // Image b has three concepts; its histogram bar (3 concepts: images b and e) is the current one.
    await page.locator('#next').click();
    await page.waitForFunction(`document.querySelector('#image-id').textContent === 'b'`);
    expect(await page.locator('#concepts button').count()).toBe(3);
    expect(await page.locator('#histogram rect.current').getAttribute('data-concepts')).toBe('3');
    expect(await page.locator('#histogram rect.current').getAttribute('data-count')).toBe('2');
    // Image c lives on the second data page: it loads.
    await page.locator('#next').click();
    await page.waitForFunction(`document.querySelector('#image-id').textContent === 'c'`);
    expect(await page.locator('#scatter circle').count()).toBe(16);
    // Going to an image by id, and a word for an id that is not there.
    await page.locator('#image-find').fill('e');
    await page.locator('#image-find').press('Enter');
    await page.waitForFunction(`document.querySelector('#image-id').textContent === 'e'`);
    expect(await page.locator('#image-pos').inputValue()).toBe('5');
    await page.locator('#image-find').fill('zz');
    await page.locator('#image-find').press('Enter');
    await page.waitForFunction(`document.querySelector('#find-status').textContent === 'no image zz'`);
    expect(await page.locator('#image-id').innerText()).toBe('e');
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  });

  it('retrieval: a click on a region returns the planted nearest regions of the other images, best first', async () => {
    const { page, errors } = await open(full);
    const box = (await page.locator('#map-image canvas').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.25, box.y + box.height * 0.5); // region 0 of image a
    await page.waitForSelector('#neighbours li.result');
    expect(await page.locator('#view-retrieval').isVisible()).toBe(true);
    const got = await page
      .locator('#neighbours li.result')
      .evaluateAll((ls) => ls.map((l) => [l.getAttribute('data-id'), Number(l.getAttribute('data-region')), Number(l.getAttribute('data-cos'))]));
    // Brute force over the planted vectors (float64), other images only.
    const q = plantedVector(0, 0);
    const cos = (a: number[], b: number[]) => a.reduce((s, v, j) => s + v * b[j], 0) / (Math.hypot(...a) * Math.hypot(...b));
    const all = IDS.flatMap((id, m) => (m === 0 ? [] : [...new Set(regionMapOf(m))].map((r) => ({ id, r, cos: cos(q, plantedVector(m, r)) }))));
    const want = all.sort((a, b) => b.cos - a.cos).slice(0, 5);
    expect(got.map((g) => [g[0], g[1]])).toEqual(want.map((w) => [w.id, w.r]));
    got.forEach((g, j) => expect(Math.abs((g[2] as number) - want[j].cos)).toBeLessThan(0.005));
    // The page says which embedding it ranks by (here: no backbone given, the pooled cached features).
    expect(await page.locator('#retrieval-status').innerText()).toBe(
      '5 nearest regions of other images (cosine of region embeddings: pixel-weighted means of the cached patch features)',
    );
    // The crops highlight the region: the query crop's canvas is image a's region 0.
    expect(await canvasAlpha(page, '#query canvas')).toEqual(Array.from(regionMapOf(0), (r) => (r === 0 ? 170 : 140)));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('grid: pages of 2 rows, sorted by concepts or IoU, ground truth drawn; paging through all 6 images', async () => {
    const { page, errors } = await open(partial);
    await page.locator('#tabs button[data-view="grid"]').click();
    const ids = () => page.locator('#grid tbody tr').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-id')));
    await page.waitForFunction(`document.querySelectorAll('#grid tbody tr').length === 2`);
    expect(await ids()).toEqual(['a', 'b']);
    expect(await page.locator('#grid-page').innerText()).toBe('page 1 of 3');
    await page.locator('#grid-next').click();
    await page.waitForFunction(`document.querySelector('#grid tbody tr').dataset.id === 'c'`);
    expect(await ids()).toEqual(['c', 'd']);
    // c has no ground truth, d no region map (an older run): said in their cells.
    expect(await page.locator('#grid tbody tr[data-id="c"] td').nth(3).innerText()).toBe('ground truth missing');
    expect(await page.locator('#grid tbody tr[data-id="d"] td').nth(1).innerText()).toBe('no region map');
    await page.locator('#grid-next').click();
    await page.waitForFunction(`document.querySelector('#grid tbody tr').dataset.id === 'e'`);
    expect(await ids()).toEqual(['e', 'f']);
    await page.selectOption('#sort', 'concepts-desc');
    await page.waitForFunction(`document.querySelector('#grid tbody tr').dataset.id === 'b'`);
    expect(await ids()).toEqual(['b', 'e']);
    // e's ground truth is shifted (IoU 7/12, the lowest); c has none and goes last either way.
    await page.selectOption('#sort', 'iou-asc');
    await page.waitForFunction(`document.querySelector('#grid tbody tr').dataset.id === 'e'`);
    expect(await ids()).toEqual(['e', 'a']);
    expect(await page.locator('#grid tbody tr[data-id="e"] .meta').innerText()).toBe('e · 3 concepts · IoU 58.3');
    await page.selectOption('#sort', 'iou-desc');
    await page.waitForFunction(`document.querySelector('#grid tbody tr').dataset.id === 'a'`);
    await page.locator('#grid-next').click();
    await page.locator('#grid-next').click();
    await page.waitForFunction(`document.querySelector('#grid tbody tr').dataset.id === 'e'`);
    expect(await ids()).toEqual(['e', 'c']);
    // Ground truth of a (class 1 left, 2 right, void bottom row) in VOC colours: (128,0,0), (0,128,0), (224,224,192).
    await page.selectOption('#sort', 'id');
    await page.waitForFunction(`document.querySelector('#grid tbody tr').dataset.id === 'a'`);
    const gt = await page.evaluate<number[]>(
      `Array.from(document.querySelector('#grid tbody tr canvas.gt').getContext('2d').getImageData(0, 0, ${SIZE}, ${SIZE}).data)`,
    );
    expect([gt.slice(0, 3), gt.slice(7 * 4, 7 * 4 + 3), gt.slice(63 * 4, 63 * 4 + 3)]).toEqual([
      [128, 0, 0],
      [0, 128, 0],
      [224, 224, 192],
    ]);
    // Concepts of a, opaque in the concept colours: region 0 (left) #e6194b, region 1 (right) #3cb44b.
    const concepts = await page.evaluate<number[]>(
      `Array.from(document.querySelector('#grid tbody tr canvas.concepts').getContext('2d').getImageData(0, 0, ${SIZE}, ${SIZE}).data)`,
    );
    expect([concepts.slice(0, 4), concepts.slice(7 * 4, 7 * 4 + 4)]).toEqual([
      [0xe6, 0x19, 0x4b, 255],
      [0x3c, 0xb4, 0x4b, 255],
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('ids with spaces and # keep their thumbnails (file named by the id, link URL-encoded)', async () => {
    const fx = await makePlantedRun(join(dir, 'odd'), { ids: ['a b', 'c#1', 'd%2', 'e', 'f', 'g'] });
    const html = (await buildExplorer({ run: fx.run, features: fx.cache, epochs: 30 })).html;
    const { page, errors } = await open(html);
    expect(await page.locator('#image-id').innerText()).toBe('a b');
    await page.locator('#tabs button[data-view="grid"]').click();
    await page.waitForFunction(`document.querySelectorAll('#grid tbody tr img').length === 6`);
    const widths = await page.evaluate<number[]>(`Promise.all([...document.querySelectorAll('#grid tbody tr img')].map((img) =>
      img.complete ? img.naturalWidth : new Promise((ok) => { img.loading = 'eager'; img.onload = () => ok(img.naturalWidth); img.onerror = () => ok(0); })))`);
    expect(widths).toEqual(Array(6).fill(SIZE));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('served: an image that --maps left without a concept map gets one when opened, the same as a full build', async () => {
    const served = await serveExplorer(limited);
    try {
      const { page, errors, external } = await open('', served.url);
      expect(await page.locator('#scatter circle').count()).toBe(16);
      await page.locator('#next').click();
      await page.waitForFunction(`document.querySelector('#image-id').textContent === 'b'`);
      await page.waitForFunction(`document.querySelectorAll('#scatter circle').length === 16`);
      expect(await page.locator('#map-missing').innerText()).not.toContain('not computed');
      const drawn = await page.locator('#scatter circle').evaluateAll((cs) => cs.map((c) => [c.getAttribute('cx'), c.getAttribute('data-r')]));
      // The full build (every map, same seed and epochs) drew image b's points at the same places.
      const reference = await open(full);
      await reference.page.locator('#next').click();
      await reference.page.waitForFunction(`document.querySelector('#image-id').textContent === 'b'`);
      expect(await reference.page.locator('#scatter circle').evaluateAll((cs) => cs.map((c) => [c.getAttribute('cx'), c.getAttribute('data-r')]))).toEqual(
        drawn,
      );
      expect(errors).toEqual([]);
      expect(external).toEqual([]);
      await reference.page.close();
      await page.close();
    } finally {
      await served.close();
    }
  });

  it('missing inputs: said per kind and per image; an image without features has no concept map and says why', async () => {
    const { page, errors } = await open(partial);
    await page.locator('#tabs button[data-view="missing"]').click();
    const summary = await page.locator('#missing-summary').innerText();
    expect(summary).toContain('features: missing for 1 of 6 images');
    expect(summary).toContain('region map: missing for 1 of 6 images');
    expect(summary).toContain('ground truth: missing for 1 of 6 images');
    expect(await page.locator('#missing-list li').allInnerTexts()).toEqual(['b: features', 'c: ground truth', 'd: region map']);
    await page.locator('#missing-list li', { hasText: 'b: features' }).click();
    await page.waitForFunction(`document.querySelector('#image-id').textContent === 'b'`);
    expect(await page.locator('#scatter circle').count()).toBe(0);
    expect(await page.locator('#scatter-caption').innerText()).toContain('no concept map');
    expect(await page.locator('#map-missing').innerText()).toContain('not in the feature cache');
    expect(errors).toEqual([]);
    await page.close();
  });
});
