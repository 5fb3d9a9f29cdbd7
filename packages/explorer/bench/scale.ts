/**
 * The explorer at scale: a synthetic run of N images (64×48, 2-6 stripe regions, an 8×8 patch grid of d-dim features
 * clustered by region, one shared thumbnail) is written to a temp folder, the explorer built from it (time, peak RSS
 * during the build at 10 % and at 100 % of the images), then driven in headless Chromium: time to first view, a grid
 * page, a sort, the first retrieval (loads every embedding) and a second one, and the page's JS heap.
 * Run from packages/explorer after a build: node --expose-gc --import tsx bench/scale.ts [--images 10000] [--maps 100] [--dim 96]
 * [--one-thread] (the sources: layouts on the main thread only)
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import type { Backbone, FeatureResult, ImageInput } from '@acseg/core';
import { writeFeatureCache } from '@acseg/feature-cache';
import { mulberry32 } from '@acseg/random';
import { GalleryLog, encodeLabelPng } from '@acseg/report';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '10000' },
    maps: { type: 'string', default: '100' },
    dim: { type: 'string', default: '96' },
    'one-thread': { type: 'boolean', default: false },
  },
});
// The built package lays out on worker threads (one per core); its sources on this thread only.
const { buildExplorer } = (await import(values['one-thread'] ? '../src/index.js' : '../dist/index.js')) as typeof import('../src/index.js');
const N = Number(values.images);
const MAPS = Number(values.maps);
const D = Number(values.dim);
const W = 64,
  H = 48,
  G = 8;

/** Stripe boundaries of image i (seeded): region r covers columns [cuts[r], cuts[r+1]). */
function cuts(i: number): number[] {
  const rnd = mulberry32(i + 1);
  const k = 2 + Math.floor(rnd() * 5);
  const inner = new Set<number>();
  while (inner.size < k - 1) inner.add(1 + Math.floor(rnd() * (W - 1)));
  return [0, ...[...inner].sort((a, b) => a - b), W];
}
const regionAt = (c: number[], x: number) => {
  let r = 0;
  while (x >= c[r + 1]) r++;
  return r;
};

class SyntheticBackbone implements Backbone {
  readonly name = 'synthetic';
  readonly info = { model: 'synthetic', patchSize: 8, inputSize: 64, dim: D, hasAttention: false };
  async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
    for (const image of images) {
      const source = String(image);
      const i = Number(/(\d+)\.jpg$/.exec(source)![1]);
      const c = cuts(i);
      const rnd = mulberry32(1000 + i);
      const tokens = new Float32Array(G * G * D);
      for (let p = 0; p < G * G; p++) {
        const r = regionAt(c, Math.floor((((p % G) + 0.5) * W) / G));
        // 20 concept directions shared across images, so retrieval finds real neighbours.
        const concept = (i * 7 + r * 3) % 20;
        for (let j = 0; j < D; j++) tokens[p * D + j] = (j % 20 === concept ? 1 : 0) + (rnd() - 0.5) * 0.2;
      }
      yield {
        ok: true,
        features: { id: `img-${String(i).padStart(5, '0')}`, source, grid: { h: G, w: G }, dim: D, tokens, imageSize: { width: W, height: H } },
      };
    }
  }
}

async function synthesize(dir: string): Promise<{ run: string; cache: string }> {
  const run = join(dir, 'run');
  await mkdir(join(run, 'thumbs'), { recursive: true });
  const thumb = join(run, 'thumbs', 'shared.jpg');
  await sharp({ create: { width: W, height: H, channels: 3, background: { r: 90, g: 140, b: 200 } } })
    .jpeg()
    .toFile(thumb);
  const log = await GalleryLog.open(run, { fresh: true });
  const sources: string[] = [];
  for (let i = 0; i < N; i++) {
    const id = `img-${String(i).padStart(5, '0')}`;
    const source = join(dir, 'images', `${id}.jpg`);
    sources.push(source);
    const c = cuts(i);
    const regions = new Uint8Array(W * H).map((_, p) => regionAt(c, p % W));
    const classOf = (r: number) => 1 + ((i + r * 5) % 20);
    await writeFile(join(run, `${id}.regions.png`), encodeLabelPng(regions, W, H));
    await writeFile(join(run, `${id}.png`), encodeLabelPng(regions.map(classOf), W, H));
    const list = c.slice(0, -1).map((x0, r) => ({
      region: r,
      classId: classOf(r),
      className: `class ${classOf(r)}`,
      pixels: (c[r + 1] - x0) * H,
      bbox: [x0, 0, c[r + 1], H],
      concept: r,
    }));
    await writeFile(
      join(run, `${id}.json`),
      JSON.stringify({ id, source, width: W, height: H, regions: list, classifier: 'kmeans', files: { label: `${id}.png`, regions: `${id}.regions.png` } }),
    );
    await log.add({ id, source, image: thumb, overlay: join(run, `${id}.png`), label: join(run, `${id}.png`), json: join(run, `${id}.json`) });
  }
  const cache = join(dir, 'cache');
  await writeFeatureCache({ backbone: new SyntheticBackbone(), images: sources, out: cache });
  return { run, cache };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'acseg-explore-scale-'));
  try {
    let t = performance.now();
    const { run, cache } = await synthesize(dir);
    console.log(`synthetic run of ${N} images: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const rss: number[] = [];
    const heapUsed: number[] = [];
    const gc = (globalThis as { gc?: () => void }).gc;
    t = performance.now();
    const r = await buildExplorer({
      run,
      features: cache,
      maxMaps: MAPS,
      onImage: (done) => {
        if (done !== Math.ceil(N / 10) && done !== Math.ceil(N / 2) && done !== N) return;
        gc?.(); // live memory, not what the collector has yet to free (run with node --expose-gc)
        rss.push(process.memoryUsage().rss / 2 ** 20);
        heapUsed.push(process.memoryUsage().heapUsed / 2 ** 20);
      },
    });
    const build = (performance.now() - t) / 1000;
    const du = (await import('node:child_process')).execSync(`du -sk ${join(r.dir, 'data')}`, { encoding: 'utf8' });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    const times: Record<string, number> = {};
    let heap = 0;
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const timed = async (name: string, act: () => Promise<unknown>) => {
        const t0 = performance.now();
        await act();
        times[name] = performance.now() - t0;
      };
      await timed('open, first concept map', async () => {
        await page.goto(pathToFileURL(r.html).href);
        await page.waitForSelector('body[data-ready="1"]');
        await page.waitForSelector('#concepts button');
      });
      await timed('grid, page 1', async () => {
        await page.locator('#tabs button[data-view="grid"]').click();
        await page.waitForSelector('#grid tbody tr');
      });
      await timed('grid, next page', async () => {
        await page.locator('#grid-next').click();
        await page.waitForFunction(`document.querySelector('#grid-page').textContent.startsWith('page 2 ')`);
        await page.waitForFunction(`document.querySelectorAll('#grid tbody tr').length > 0 && document.querySelector('#grid tbody tr').dataset.i !== '0'`);
      });
      // Done when the first row is an image with the most concepts (the rows of the page before are replaced).
      const most = `Math.max(...acsegExplore.data.images.map((e) => e[1]))`;
      await timed('grid, sort by concepts (pages from all over)', async () => {
        await page.selectOption('#sort', 'concepts-desc');
        await page.waitForFunction(
          `acsegExplore.data.images[Number(document.querySelector('#grid tbody tr').dataset.i)][1] === ${most} && document.querySelectorAll('#grid tbody tr').length === 50`,
        );
      });
      await page.locator('#tabs button[data-view="map"]').click();
      const box = (await page.locator('#map-image canvas').boundingBox())!;
      await timed('first retrieval (loads all embeddings)', async () => {
        await page.mouse.click(box.x + 2, box.y + box.height / 2);
        await page.waitForSelector('#neighbours li.result');
      });
      await page.locator('#tabs button[data-view="map"]').click();
      await timed('second retrieval', async () => {
        await page.evaluate(`document.querySelector('#neighbours').replaceChildren()`);
        await page.mouse.click(box.x + box.width - 2, box.y + box.height / 2);
        await page.waitForSelector('#neighbours li.result');
      });
      heap = await page.evaluate<number>('performance.memory ? performance.memory.usedJSHeapSize : 0');
    } finally {
      await browser.close();
    }
    console.log(`\n| ${N} images, d = ${D}, concept maps for ${MAPS}${values['one-thread'] ? ', one thread' : ''} | |\n|---|---|`);
    console.log(`| build (incl. ${MAPS} UMAP layouts) | ${build.toFixed(1)} s |`);
    console.log(`| build RSS at 10 % / 50 % / 100 % of the images${gc ? ', after gc' : ''} | ${rss.map((m) => `${m.toFixed(0)} MiB`).join(' / ')} |`);
    console.log(`| build JS heap used, same points | ${heapUsed.map((m) => `${m.toFixed(0)} MiB`).join(' / ')} |`);
    console.log(`| data/ on disk | ${(Number(du.split(/\s/)[0]) / 1024).toFixed(1)} MiB |`);
    for (const [k, v] of Object.entries(times)) console.log(`| page: ${k} | ${v.toFixed(0)} ms |`);
    console.log(`| page JS heap after these | ${(heap / 2 ** 20).toFixed(1)} MiB |`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
