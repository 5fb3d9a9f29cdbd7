import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEvalReport } from './index.js';
import { makeGallery, makeReport } from './testing/fixtures/run.js';

/**
 * Opens the gallery and the evaluation report in headless Chromium (Debian's
 * `chromium` package). Without it the test fails, unless
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

interface Loaded {
  page: Page;
  errors: string[];
  external: string[];
}

describe.skipIf(SKIP)('pages in headless Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) to run the browser tests, or set ACSEG_SKIP_BROWSER_TESTS=1 to skip them`,
      );
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    dir = await mkdtemp(join(tmpdir(), 'acseg-browser-'));
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(path: string): Promise<Loaded> {
    const page = await browser.newPage();
    const errors: string[] = [];
    const external: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => errors.push(`failed to load ${r.url()}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) external.push(r.url());
    });
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    return { page, errors, external };
  }

  /** naturalWidth of every <img> once loaded (0 = broken); a string, since this package has no DOM types. */
  const imageWidths = (page: Page): Promise<number[]> =>
    page.evaluate<number[]>(`Promise.all([...document.images].map((img) =>
    img.complete ? img.naturalWidth : new Promise((ok) => { img.onload = () => ok(img.naturalWidth); img.onerror = () => ok(0); })))`);

  it('shows the gallery: 2 cards of 3 loaded images, the legend, the skipped file, no errors', async () => {
    const { page, errors, external } = await open(await makeGallery(dir));
    expect(await page.title()).toBe('test run');
    expect(await page.locator('#gallery article.card').count()).toBe(2);
    const widths = await imageWidths(page);
    expect(widths).toHaveLength(6);
    expect(widths.every((w) => w > 0)).toBe(true);
    expect(await page.locator('#legend li').count()).toBe(4);
    expect(await page.locator('#legend').innerText()).toContain('green <thing>');
    expect(await page.locator('#skipped li').innerText()).toContain('/data/broken.jpg');
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  });

  it('shows the report: results with a baseline row, how to read it, per-class bars, confusion heat map, 2 samples that enlarge, no errors', async () => {
    const { html } = await writeEvalReport(join(dir, 'report'), makeReport(dir));
    const { page, errors, external } = await open(html);
    expect(await page.locator('#results tbody tr').count()).toBe(2);
    expect(await page.locator('#results tbody td').nth(2).innerText()).toBe('47.1 ± 2.4');
    expect(await page.locator('#results tbody tr.baseline').innerText()).toMatch(
      /Majority class \(reference\)\s+every pixel predicted as "red".*\s+12\.3\s+40\.0/,
    );
    // What is a mean over seeds and what one seed; what the matching does, with the protocol's link.
    expect(await page.locator('#seed-scope').innerText()).toMatch(
      /mean ± standard deviation over 3 seeds \(0, 1, 2;.*The confusion matrix and the samples come from seed 0 only/,
    );
    expect(await page.locator('#matching').innerText()).toMatch(
      /Matching: pixels\. The colours of the predictions are clusters, not classes the model named: each cluster is mapped to one ground-truth class by Hungarian matching/,
    );
    expect(await page.locator('#matching a').getAttribute('href')).toBe('https://arxiv.org/abs/2210.05944');
    expect(await page.locator('h2', { hasText: 'Confusion matrix' }).innerText()).toBe('Confusion matrix (seed 0 only)');
    expect(await page.locator('#per-class tbody tr').count()).toBe(4);
    const bar = await page.locator('#per-class tbody tr').nth(2).locator('.bar > span').boundingBox();
    const track = await page.locator('#per-class tbody tr').nth(2).locator('.bar').boundingBox();
    expect(bar!.width / track!.width).toBeCloseTo(0.625, 2);
    expect(await page.locator('#confusion tbody tr').count()).toBe(4);
    expect(await page.locator('#confusion tbody td').count()).toBe(16);
    const cards = page.locator('#samples article.card');
    expect(await cards.count()).toBe(2);
    expect(await cards.nth(0).locator('.pick').innerText()).toBe('among the worst · image mIoU 20.5');
    expect(await cards.nth(1).locator('.pick').innerText()).toBe('among the best · image mIoU 88.1');
    // Each card's legend lists the classes in its maps, most pixels first.
    expect(await cards.nth(0).locator('.legend li').count()).toBeGreaterThanOrEqual(3);
    const widths = await imageWidths(page);
    expect(widths).toEqual(new Array(12).fill(48)); // 2 cards and their 2 enlarged views, 3 images each
    expect(await page.locator('#legend li').count()).toBe(5);
    // Click to enlarge: the overlay shows the same images larger, and closes.
    const zoom = page.locator('#zoom-0');
    expect(await zoom.isVisible()).toBe(false);
    const small = await cards.nth(0).locator('img').first().boundingBox();
    await cards.nth(0).locator('a').click();
    expect(await zoom.isVisible()).toBe(true);
    const large = await zoom.locator('img').first().boundingBox();
    expect(large!.width).toBeGreaterThan(2 * small!.width);
    await zoom.locator('a.close').click();
    expect(await zoom.isVisible()).toBe(false);
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  });
});
