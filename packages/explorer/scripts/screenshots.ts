/**
 * The screenshots in docs/explore/: runs the built `acseg` on the repo's
 * samples/ (weight-free backbone, features kept), builds the explorer, and
 * photographs each view in headless Chromium (Debian's chromium).
 * Run from the repo root after `npm run build`: npx tsx packages/explorer/scripts/screenshots.ts [images folder]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { buildExplorer } from '../src/index.js';

const root = resolve(import.meta.dirname, '../../..');
const images = resolve(process.argv[2] ?? join(root, 'samples'));
const docs = join(root, 'docs', 'explore');

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'acseg-shots-'));
  try {
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'apps/cli/bin/acseg.js'),
        'run',
        '--images',
        images,
        '--out',
        join(work, 'out'),
        '--features-cache',
        join(work, 'cache'),
        '--seed',
        '0',
        '--quiet',
      ],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`acseg run failed: ${run.stderr}`);
    const r = await buildExplorer({ run: join(work, 'out'), features: join(work, 'cache'), title: 'acseg explore: samples/' });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
      await page.goto(pathToFileURL(r.html).href);
      await page.waitForSelector('body[data-ready="1"]');
      const shot = async (name: string) => {
        const png = await page.screenshot({ fullPage: false });
        // Small files for the docs: 256-colour palette PNG.
        await sharp(png)
          .png({ palette: true, colours: 256 })
          .toFile(join(docs, `${name}.png`));
        console.log(`docs/explore/${name}.png`);
      };
      await page.locator('#concepts button').first().click();
      await shot('concept-map');
      await page.locator('#tabs button[data-view="grid"]').click();
      await page.waitForSelector('#grid tbody tr');
      await shot('grid');
      await page.locator('#tabs button[data-view="map"]').click();
      const box = (await page.locator('#map-image canvas').boundingBox())!;
      await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.85);
      await page.waitForSelector('#neighbours li.result');
      await page.waitForTimeout(300); // crops' thumbnails
      await shot('retrieval');
    } finally {
      await browser.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
