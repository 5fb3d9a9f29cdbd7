import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.js';
import { openVoc } from './datasets/voc.js';
import type { LabelMap } from './label.js';
import { decodeClassMap } from './report.js';
import { prepareSplit } from './prepared.js';
import { allItems } from './prepared-store.js';
import { silentLogger, silentProgress } from '@acseg/core';
import { evaluateClustering, evaluateKnn, evaluateKnnRetrieval, evaluateWithText, formatPaperTable } from './tables.js';
import { groundTruthBackbone, lutClassifier, majorityClassifier, valueGenerator } from './testing/fakes.js';
import { writeGreyPng, writeJpeg } from './testing/files.js';
import { writeTinyVoc } from './testing/tiny-datasets.js';

async function labelsOf(ds: Dataset): Promise<Map<string, LabelMap>> {
  const m = new Map<string, LabelMap>();
  for (const it of ds.items) {
    try {
      m.set(it.image, await ds.loadLabel(it));
    } catch {
      /* bad items are the protocol's to skip */
    }
  }
  return m;
}

describe('protocols on three images of a tiny VOC written by the test', () => {
  let root: string;
  let ds: Dataset;
  let labels: Map<string, LabelMap>;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'acseg-eval-tinyvoc-'));
    await writeTinyVoc(root, {
      val: [
        [40, 30],
        [30, 40],
        [48, 32],
        [40, 30],
      ],
    });
    const full = await openVoc(root, { split: 'val' });
    ds = { ...full, items: full.items.slice(0, 3) };
    labels = await labelsOf(ds);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('(a) ground truth fed as prediction scores 100 mIoU and 100 pixel accuracy', async () => {
    const r = await evaluateWithText({
      dataset: ds,
      backbone: groundTruthBackbone(labels),
      generator: valueGenerator(22),
      classifierFactory: () => lutClassifier((_id, c) => (c < 21 ? c : 0)),
    });
    expect(r.matching).toBe('none');
    expect(r.images).toBe(3);
    expect(r.mIoU.mean).toBe(100);
    expect(r.pixelAccuracy.mean).toBe(100);
    // Only classes present in these three images have an IoU.
    const present = new Set<number>();
    for (const l of labels.values()) for (const v of l.data) if (v !== 255) present.add(v);
    expect(r.perClassIoU.map((v, c) => (v === null ? -1 : c)).filter((c) => c >= 0)).toEqual([...present].sort((a, b) => a - b));
    expect(r.pixels).toBe([...labels.values()].reduce((a, l) => a + l.data.filter((v) => v !== 255).length, 0));
  });

  it("(a2) a split labelled as it went (prepareSplit's labeller, what a CLIP shard keeps) scores as the classifier inline", async () => {
    const backbone = groundTruthBackbone(labels);
    const generator = valueGenerator(22);
    // Some classes named wrongly, so the score is not trivially 100.
    const make = () => lutClassifier((_id, c) => (c < 21 ? (c * 4) % 21 : 0), 'namer');
    const inline = await evaluateWithText({ dataset: ds, backbone, generator, classifierFactory: make });
    expect(inline.mIoU.mean).toBeLessThan(100);
    const prepared = await prepareSplit({
      dataset: ds,
      backbone,
      generator,
      labeller: make(),
      context: { backbone, classNames: ds.classNames },
      log: silentLogger,
      progress: silentProgress,
    });
    expect(prepared.labelledBy).toBe('namer');
    expect((await allItems(prepared.items)).every((it) => it.ids && it.ids.length === it.counts.regionCount)).toBe(true);
    // At merge the classifier is not run: a stand-in of the same name that fails if asked to label.
    const standIn = { name: 'namer', needs: {}, classify: () => Promise.reject(new Error('must not be run')) };
    const merged = await evaluateWithText({ dataset: ds, backbone, generator, prepared, classifierFactory: () => standIn });
    expect(merged.seeds[0].confusion).toEqual(inline.seeds[0].confusion);
    expect(merged.mIoU).toEqual(inline.mIoU);
    expect(merged.pixelAccuracy).toEqual(inline.pixelAccuracy);
    // Labels of another classifier are not taken for this one's: it would run (and here fail).
    await expect(evaluateWithText({ dataset: ds, backbone, generator, prepared, classifierFactory: () => ({ ...standIn, name: 'other' }) })).rejects.toThrow(
      'must not be run',
    );
  });

  it('(b) a permuted labelling scores 100 after Hungarian matching, for every seed, and below 100 without it', async () => {
    const perm = (seed: number) => (c: number) => (c < 21 ? (c * 5 + seed + 3) % 21 : 0);
    const opts = {
      dataset: ds,
      backbone: groundTruthBackbone(labels),
      generator: valueGenerator(22),
      classifierFactory: (seed: number) => lutClassifier((_id, c) => perm(seed)(c)),
    };
    const r = await evaluateClustering({ ...opts, seeds: [0, 1, 2] });
    expect(r.seeds.map((s) => s.mIoU)).toEqual([100, 100, 100]);
    expect(r.mIoU).toEqual({ mean: 100, std: 0 });
    // The matching undoes the permutation: id perm(c) → class c for the classes present.
    const present = new Set<number>();
    for (const l of labels.values()) for (const v of l.data) if (v !== 255) present.add(v);
    expect(present.size).toBeGreaterThan(2);
    for (const c of present) expect(r.seeds[1].assignment[perm(1)(c)]).toBe(c);
    const iou = await evaluateClustering({ ...opts, seeds: [4], matching: 'iou' });
    expect(iou.mIoU.mean).toBe(100);
    const none = await evaluateClustering({ ...opts, seeds: [0], matching: 'none' });
    expect(none.mIoU.mean).toBeLessThan(100);
  });
});

describe('protocols on a synthetic dataset with a known confusion', () => {
  let root: string;
  let ds: Dataset;
  let labels: Map<string, LabelMap>;
  // 3 classes (VOC layout, grey labels). A: class 0 ×4, class 1 ×3, void ×1; B: class 2 ×5, class 0 ×2, void ×1.
  const A = [0, 0, 1, 1, 0, 0, 1, 255];
  const B = [2, 2, 2, 0, 2, 2, 255, 0];
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'acseg-eval-proto-'));
    await mkdir(join(root, 'ImageSets', 'Segmentation'), { recursive: true });
    await writeFile(join(root, 'ImageSets', 'Segmentation', 'val.txt'), 'A\nbad\nB\ngone\n');
    for (const [id, l] of [
      ['A', A],
      ['B', B],
      ['bad', [0, 0, 0, 0, 0, 0, 0, 7]],
    ] as const) {
      await writeJpeg(join(root, 'JPEGImages', `${id}.jpg`), 4, 2);
      await writeGreyPng(join(root, 'SegmentationClass', `${id}.png`), 4, 2, l);
    }
    // The VOC reader on a 3-class label set: only the class list differs.
    ds = { ...(await openVoc(root)), classNames: ['a', 'b', 'c'] };
    labels = await labelsOf(ds);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  // A: concept 0 → id 1, concept 1 → id 0 (void concept 3 → id 0); B: concept 2 → id 1, concept 0 → id 2.
  // Confusion (gt × id): gt0 [0, 4, 2], gt1 [3, 0, 0], gt2 [0, 5, 0]. Best matching (pixels and IoU alike):
  // id0 → 1, id1 → 2, id2 → 0 (10 pixels). Matched: gt0 [2, 0, 4], gt1 [0, 3, 0], gt2 [0, 0, 5].
  // IoU: 2/6, 3/3, 5/9 → mIoU (100/3 + 100 + 500/9)/3 = 62.963; pixel accuracy 10/14.
  const lut =
    (seed: number) =>
    (id: string, c: number): number => {
      const base = id === 'A' ? [1, 0, 0, 0][c] : [2, 0, 1, 0][c];
      return (base + seed) % 3; // shifting ids by the seed leaves the matched score unchanged
    };
  const expectedMIoU = (100 / 3 + 100 + 500 / 9) / 3;

  it('(c) gives the hand-computed mIoU and pixel accuracy, skipping bad items and reporting them', async () => {
    const r = await evaluateClustering({
      dataset: ds,
      backbone: groundTruthBackbone(labels),
      generator: valueGenerator(4),
      classifierFactory: (s) => lutClassifier(lut(s)),
      seeds: [0, 1],
      method: 'Test',
    });
    expect(r.images).toBe(2);
    expect(r.skipped.map((s) => s.id).sort()).toEqual(['bad', 'gone']);
    expect(r.skipped.find((s) => s.id === 'bad')!.reason).toMatch(/bad\.png: label value 7 at \(x 3, y 1\) is outside the 3 classes/);
    expect(r.seeds[0].confusion).toEqual([
      [2, 0, 4],
      [0, 3, 0],
      [0, 0, 5],
    ]);
    expect(r.seeds[0].assignment).toEqual([1, 2, 0]);
    expect(r.mIoU.mean).toBeCloseTo(expectedMIoU, 10);
    expect(r.mIoU.std).toBeCloseTo(0, 10);
    expect(r.pixelAccuracy.mean).toBeCloseTo((100 * 10) / 14, 10);
    expect(r.perClassIoU[0]).toBeCloseTo(100 / 3, 10);
    expect(r.perClassIoU[2]).toBeCloseTo(500 / 9, 10);
    // Sample maps: A's ids [1,1,0,0,1,1,0,0] matched to classes.
    const sA = r.samples.find((s) => s.id === 'A')!;
    expect(Array.from(decodeClassMap(sA.prediction))).toEqual([2, 2, 1, 1, 2, 2, 1, 1]);
    expect(Array.from(decodeClassMap(sA.groundTruth))).toEqual(A);
    expect(r.samples.map((s) => s.pick)).toEqual(['spread', 'spread']);
    // A alone: gt 0 (4 px) predicted 2, gt 1 (3 px) right, class 2 predicted on 4 px it lacks → (0 + 100 + 0) / 3.
    expect(sA.mIoU).toBeCloseTo(100 / 3, 10);
    // Majority baseline from the same pixels: ground truth 6, 3, 5 px → class 0 everywhere: IoU0 = 6/14, others 0.
    expect(r.baselines![0].perClassIoU).toEqual([(100 * 6) / 14, 0, 0]);
    expect(r.baselines![0].mIoU).toBeCloseTo((100 * 6) / 14 / 3, 10);
    expect(r.baselines![0].pixelAccuracy).toBeCloseTo((100 * 6) / 14, 10);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    const table = formatPaperTable(r);
    expect(table).toContain('| Test   | 63.0 ± 0.0 | 71.4 ± 0.0 |');
    expect(table.split('\n')[4]).toBe(
      'reference, majority class (every pixel predicted as "a", the most frequent class of the split): mIoU 14.3, pixel acc. 42.9',
    );
    expect(table.split('\n')[0]).toMatch(/Hungarian \(pixels\), 2 seeds, 2 images/);
  });

  it('counts unmatched extra ids as wrong', async () => {
    // A's class-1 region gets a fourth id: nothing is left for it after matching.
    const r = await evaluateClustering({
      dataset: ds,
      backbone: groundTruthBackbone(labels),
      generator: valueGenerator(4),
      seeds: [0],
      classifierFactory: () => lutClassifier((id, c) => (id === 'A' ? [1, 3, 0, 0][c] : [2, 0, 1, 0][c])),
    });
    // gt × id: gt0 [0, 4, 2, 0], gt1 [0, 0, 0, 3], gt2 [0, 5, 0, 0]: id1 → 2 (5), id2 → 0 (2), id3 → 1 (3); id0 has no pixel.
    expect(r.seeds[0].mIoU).toBeCloseTo(expectedMIoU, 10);
    // A: gt0 → id 1, gt1 → id 3; B: gt2 → id 2, gt0 → id 4. gt × id: gt0 [0, 4, 0, 0, 2], gt1 [0, 0, 0, 3, 0],
    // gt2 [0, 0, 5, 0, 0]. Matching: id1 → 0, id3 → 1, id2 → 2 (12 pixels); id4 stays unmatched and its 2 pixels
    // are misses of class 0: IoU 4/6, 3/3, 5/5 → mIoU 88.89, pixel accuracy 12/14.
    const r2 = await evaluateClustering({
      dataset: ds,
      backbone: groundTruthBackbone(labels),
      generator: valueGenerator(4),
      seeds: [0],
      classifierFactory: () => lutClassifier((id, c) => (id === 'A' ? [1, 3, 0, 0][c] : [4, 0, 2, 0][c])),
    });
    const s2 = r2.seeds[0];
    expect(s2.assignment).toHaveLength(5);
    expect([s2.assignment[1], s2.assignment[2], s2.assignment[3], s2.assignment[4]]).toEqual([0, 2, 1, -1]);
    expect(s2.unmatched).toEqual([2, 0, 0]);
    expect(s2.confusion).toEqual([
      [4, 0, 0],
      [0, 3, 0],
      [0, 0, 5],
    ]);
    expect(s2.mIoU).toBeCloseTo((200 / 3 + 100 + 100) / 3, 10);
    expect(s2.pixelAccuracy).toBeCloseTo((100 * 12) / 14, 10);
  });

  it('k-NN retrieval fits on the train split with its ground truth and needs no matching', async () => {
    const clf = majorityClassifier();
    const r = await evaluateKnn({
      dataset: ds,
      train: ds,
      k: 1,
      backbone: groundTruthBackbone(labels),
      generator: valueGenerator(4),
      classifierFactory: () => clf,
    });
    expect(clf.fittedOn).toBe(2);
    expect(r.matching).toBe('none');
    expect(r.protocol).toBe('k-NN retrieval (K=1)');
    expect(r.mIoU.mean).toBe(100);
    expect(formatPaperTable(r)).toContain('| ACSeg (ours) | 100.0 | 100.0      |');
  });

  it('k-NN retrieval for K = 1 and 5 segments once and prints one row per K', async () => {
    let extracted = 0;
    const bb = groundTruthBackbone(labels);
    const counting = {
      ...bb,
      extract: (images: Parameters<typeof bb.extract>[0]) => {
        extracted += images.length;
        return bb.extract(images);
      },
    };
    const made: number[] = [];
    const reports = await evaluateKnnRetrieval({
      dataset: ds,
      train: ds,
      backbone: counting,
      generator: valueGenerator(4),
      knnFactory: (k) => {
        made.push(k);
        return majorityClassifier();
      },
    });
    expect(made).toEqual([1, 5]);
    // 2 usable images in each split, segmented once for the numbers; then each report's samples (here the 2 val
    // images, for each of the 2 reports) are segmented again for their pictures.
    expect(extracted).toBe(4 + 2 * 2);
    const table = formatPaperTable(reports).split('\n');
    expect(table[0]).toBe('PASCAL VOC val, classes named directly, 1 seed, 2 images');
    expect(table[1]).toBe('| Protocol             | Method       | mIoU  | Pixel acc. |');
    expect(table[3]).toBe('| k-NN retrieval (K=1) | ACSeg (ours) | 100.0 | 100.0      |');
    expect(table[4]).toContain('| k-NN retrieval (K=5) |');
  });
});

describe('protocol on a synthetic COCO-Stuff layout', () => {
  let root: string;
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  it('segments the cropped image and scores at the cropped label resolution', async () => {
    root = await mkdtemp(join(tmpdir(), 'acseg-eval-coco-proto-'));
    const W = 40;
    const H = 30;
    const fine = Array.from({ length: W * H }, (_, p) => (p % W < 20 ? 0 : 156)); // person | sky
    await writeJpeg(join(root, 'images', 'val2017', 'x.jpg'), W, H);
    await writeGreyPng(join(root, 'annotations', 'val2017', 'x.png'), W, H, fine);
    const { openCocoStuff27 } = await import('./datasets/cocostuff.js');
    const ds = await openCocoStuff27(root, { ids: 'all' });
    const label = await ds.loadLabel(ds.items[0]);
    const r = await evaluateWithText({
      dataset: ds,
      backbone: groundTruthBackbone(new Map([['x', label]])),
      generator: valueGenerator(28),
      classifierFactory: () => lutClassifier((_id, c) => c),
    });
    expect(r.mIoU.mean).toBe(100);
    expect(r.pixels).toBe(320 * 320);
    expect(r.samples[0].transform).toEqual({ resize: { width: 426, height: 320 }, crop: { left: 53, top: 0, width: 320, height: 320 } });
    expect([r.samples[0].width, r.samples[0].height]).toEqual([320, 320]);
  });
});
