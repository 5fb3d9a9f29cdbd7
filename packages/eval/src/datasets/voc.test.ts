import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DATASETS, writeGreyPng, writeJpeg } from '../testing/files.js';
import { openCamVid } from './camvid.js';
import { openDataset } from './open.js';
import { openVoc, VOC_CLASSES } from './voc.js';

const VOC = join(SHARED_DATASETS, 'voc-mini');
const CAMVID = join(SHARED_DATASETS, 'camvid');

async function classCounts(ds: Awaited<ReturnType<typeof openVoc>>): Promise<number[]> {
  const counts = new Array<number>(256).fill(0);
  for (const item of ds.items) {
    const l = await ds.loadLabel(item);
    expect(l.data.length).toBe(l.width * l.height);
    for (const v of l.data) counts[v]++;
  }
  return counts;
}

describe('openVoc on voc-mini', () => {
  it('reads the val split: 30 items, 21 classes, per-class pixel counts as the dataset README lists them', async () => {
    const ds = await openVoc(VOC, { split: 'val' });
    expect(ds.items).toHaveLength(30);
    expect(ds.problems).toEqual([]);
    expect(ds.classNames).toEqual(VOC_CLASSES);
    expect(ds.classNames).toHaveLength(21);
    expect(ds.hasBackground).toBe(true);
    expect(ds.items[0].id).toBe('2007_000129');
    const counts = await classCounts(ds);
    // voc-mini/README.md, column "pixels val", and 255 = void/border.
    expect(counts.slice(0, 21)).toEqual([3735175, 41006, 37298, 72001, 26321, 28802, 73526, 99233, 59333, 18555, 36129, 186525, 125217, 18082, 71623, 283884, 14528, 68374, 65329, 112596, 10103]);
    expect(counts[255]).toBe(232860);
    expect(counts.slice(21, 255).every((c) => c === 0)).toBe(true);
  });
  it('reads the train split (60 items) and the label size of a portrait image', async () => {
    const ds = await openDataset('voc', VOC, { split: 'train' });
    expect(ds.items).toHaveLength(60);
    const item = ds.items.find((i) => i.id === '2007_001397')!;
    const l = await ds.loadLabel(item);
    expect([l.width, l.height]).toEqual([333, 500]);
  });
});

describe('openCamVid', () => {
  it('reads the val split: 101 items, 11 classes, per-class pixel counts as the README lists them', async () => {
    const ds = await openCamVid(CAMVID, { split: 'val' });
    expect(ds.items).toHaveLength(101);
    expect(ds.classNames).toHaveLength(11);
    expect(ds.hasBackground).toBe(false);
    const counts = await classCounts(ds);
    expect(counts.slice(0, 11)).toEqual([1601620, 4531180, 98499, 5053176, 1521751, 2851125, 155724, 537197, 304716, 113531, 387010]);
    expect(counts[255]).toBe(297271);
    const l = await ds.loadLabel(ds.items[0]);
    expect([l.width, l.height]).toEqual([480, 360]);
  });
  it('lists 367 train items', async () => {
    expect((await openCamVid(CAMVID, { split: 'train' })).items).toHaveLength(367);
  });
});

describe('bad VOC layouts and items', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'acseg-eval-voc-'));
    await mkdir(join(root, 'ImageSets', 'Segmentation'), { recursive: true });
    await writeFile(join(root, 'ImageSets', 'Segmentation', 'val.txt'), 'good\nmissing\nsmall\nbadvalue\n');
    for (const id of ['good', 'missing', 'small', 'badvalue']) await writeJpeg(join(root, 'JPEGImages', `${id}.jpg`), 4, 3);
    await writeGreyPng(join(root, 'SegmentationClass', 'good.png'), 4, 3, [0, 0, 1, 1, 0, 255, 20, 20, 0, 0, 0, 0]);
    await writeGreyPng(join(root, 'SegmentationClass', 'small.png'), 2, 3, [0, 0, 0, 0, 0, 0]);
    await writeGreyPng(join(root, 'SegmentationClass', 'badvalue.png'), 4, 3, [0, 0, 0, 0, 30, 0, 0, 0, 0, 0, 0, 0]);
  });
  afterAll(async () => { await rm(root, { recursive: true, force: true }); });

  it('skips an item whose label is missing and names the file', async () => {
    const ds = await openVoc(root);
    expect(ds.items.map((i) => i.id)).toEqual(['good', 'small', 'badvalue']);
    expect(ds.problems).toHaveLength(1);
    expect(ds.problems[0].error.message).toContain(join(root, 'SegmentationClass', 'missing.png'));
  });
  it('reads a good grey label, and refuses a mismatched size or an out-of-range value naming the file', async () => {
    const ds = await openVoc(root);
    const good = await ds.loadLabel(ds.items[0]);
    expect(Array.from(good.data)).toEqual([0, 0, 1, 1, 0, 255, 20, 20, 0, 0, 0, 0]);
    await expect(ds.loadLabel(ds.items[1])).rejects.toThrow(/small\.png: label is 2×3 but image .*small\.jpg is 4×3/);
    await expect(ds.loadLabel(ds.items[2])).rejects.toThrow(/badvalue\.png: label value 30 at \(x 0, y 1\) is outside the 21 classes/);
  });
  it('refuses a root in the wrong layout, an unknown split and an unknown dataset', async () => {
    await expect(openVoc(CAMVID)).rejects.toThrow(/not a VOC 2012 root: JPEGImages\/ is missing/);
    await expect(openVoc(root, { split: 'test' })).rejects.toThrow(/test\.txt: cannot read/);
    await expect(openCamVid(VOC)).rejects.toThrow(/not a CamVid root/);
    await expect(openDataset('ade20k', root)).rejects.toThrow(/unknown dataset "ade20k". Available datasets: voc, cocostuff27, camvid/);
  });
});
