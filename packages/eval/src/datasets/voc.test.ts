import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGreyPng, writeJpeg } from '../testing/files.js';
import { writeTinyCamVid, writeTinyVoc, type TinyItem, type TinySplits } from '../testing/tiny-datasets.js';
import { openCamVid } from './camvid.js';
import { openDataset } from './open.js';
import { openVoc, VOC_CLASSES } from './voc.js';

const sizes = (n: number, width: number, height: number): Array<[number, number]> => Array.from({ length: n }, () => [width, height]);
let data: string;
let VOC: string;
let CAMVID: string;
let voc: TinySplits;
let camvid: TinySplits;
beforeAll(async () => {
  data = await mkdtemp(join(tmpdir(), 'acseg-eval-datasets-'));
  VOC = join(data, 'voc');
  CAMVID = join(data, 'camvid');
  // A portrait image in train, as VOC has (labels are read at the image's own size).
  voc = await writeTinyVoc(VOC, {
    val: sizes(5, 40, 30),
    train: [
      [40, 30],
      [30, 44],
      [40, 30],
    ],
  });
  camvid = await writeTinyCamVid(CAMVID, { val: sizes(4, 48, 36), train: sizes(6, 48, 36) });
});
afterAll(async () => {
  await rm(data, { recursive: true, force: true });
});

async function classCounts(ds: Awaited<ReturnType<typeof openVoc>>): Promise<number[]> {
  const counts = new Array<number>(256).fill(0);
  for (const item of ds.items) {
    const l = await ds.loadLabel(item);
    expect(l.data.length).toBe(l.width * l.height);
    for (const v of l.data) counts[v]++;
  }
  return counts;
}

/** Pixels per value in the arrays the labels were written from. */
function writtenCounts(items: readonly TinyItem[]): number[] {
  const counts = new Array<number>(256).fill(0);
  for (const it of items) for (const v of it.label) counts[v]++;
  return counts;
}

describe('openVoc on a tiny VOC written by the test', () => {
  it('reads the val split: every item, 21 classes, per-class pixel counts as written (palette PNGs)', async () => {
    const ds = await openVoc(VOC, { split: 'val' });
    expect(ds.items).toHaveLength(5);
    expect(ds.problems).toEqual([]);
    expect(ds.classNames).toEqual(VOC_CLASSES);
    expect(ds.classNames).toHaveLength(21);
    expect(ds.hasBackground).toBe(true);
    expect(ds.items[0].id).toBe(voc.val[0].id);
    const counts = await classCounts(ds);
    const written = writtenCounts(voc.val);
    expect(counts).toEqual(written);
    // The scenes hold objects and void borders besides background (else the check above is weak).
    expect(written.slice(1, 21).filter((c) => c > 0).length).toBeGreaterThan(2);
    expect(written[255]).toBeGreaterThan(0);
  });
  it('reads the train split and the label size of a portrait image', async () => {
    const ds = await openDataset('voc', VOC, { split: 'train' });
    expect(ds.items).toHaveLength(3);
    const item = ds.items.find((i) => i.id === voc.train[1].id)!;
    const l = await ds.loadLabel(item);
    expect([l.width, l.height]).toEqual([30, 44]);
    expect(Array.from(l.data)).toEqual(Array.from(voc.train[1].label));
  });
});

describe('openCamVid', () => {
  it('reads the val split: every item, 11 classes, per-class pixel counts as written (grey PNGs)', async () => {
    const ds = await openCamVid(CAMVID, { split: 'val' });
    expect(ds.items).toHaveLength(4);
    expect(ds.classNames).toHaveLength(11);
    expect(ds.hasBackground).toBe(false);
    const counts = await classCounts(ds);
    const written = writtenCounts(camvid.val);
    expect(counts).toEqual(written);
    expect(written.slice(0, 11).filter((c) => c > 0).length).toBeGreaterThan(2);
    expect(written[255]).toBeGreaterThan(0);
    const l = await ds.loadLabel(ds.items[0]);
    expect([l.width, l.height]).toEqual([48, 36]);
  });
  it('lists the train items', async () => {
    expect((await openCamVid(CAMVID, { split: 'train' })).items.map((i) => i.id)).toEqual(camvid.train.map((i) => i.id));
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
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

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
