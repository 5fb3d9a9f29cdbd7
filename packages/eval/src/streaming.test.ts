import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyInput, classMap, type ClassifierContext, type ClassifyInput, type ConceptClassifier, type RegionDigest, type RegionLabel } from '@acseg/core';
import { mulberry32 } from '@acseg/random';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfusionMatrix } from './confusion.js';
import type { Dataset } from './dataset.js';
import { openVoc } from './datasets/voc.js';
import { applyAssignment, matchConfusion } from './hungarian.js';
import type { LabelMap } from './label.js';
import { scoreConfusion } from './metrics.js';
import { segmentSplit } from './prepare.js';
import { prepareSplit } from './prepared.js';
import { allItems } from './prepared-store.js';
import { regionClassCounts } from './region-counts.js';
import { evaluateClustering } from './tables.js';
import { groundTruthBackbone, valueGenerator } from './testing/fakes.js';
import { writeGreyPng, writeJpeg } from './testing/files.js';

/**
 * A classifier that must see the set (like k-means) and streams by digests:
 * a region's embedding is its mean feature; fitting ranks the set's distinct
 * values, and the class is (rank + seed) mod 3. Its fit/classify on inputs
 * go through the same digests, so both protocol paths can be compared.
 */
function rankClassifier(seed: number): ConceptClassifier & { digested: number } {
  let ranks = new Map<number, number>();
  const digestOf = (input: ClassifyInput): RegionDigest => {
    const { regions, features } = input;
    const sums = new Float64Array(regions.count);
    for (let p = 0; p < regions.labels.length; p++) sums[regions.labels[p]] += features.tokens[p];
    const foreground = [...regions.pixelCounts.keys()].filter((r) => regions.pixelCounts[r] > 0);
    return {
      regionCount: regions.count,
      background: new Array<boolean>(regions.count).fill(false),
      foreground,
      embeddings: foreground.map((r) => Float32Array.of(sums[r] / regions.pixelCounts[r])),
    };
  };
  const clf = {
    name: 'rank',
    needs: { fit: true },
    digested: 0,
    async digest(input: ClassifyInput): Promise<RegionDigest> {
      clf.digested++;
      return digestOf(input);
    },
    async fitDigests(digests: readonly RegionDigest[]): Promise<void> {
      const values = [...new Set(digests.flatMap((d) => d.embeddings.map((e) => e[0])))].sort((a, b) => a - b);
      ranks = new Map(values.map((v, i) => [v, i]));
    },
    async classifyDigests(digests: readonly RegionDigest[]): Promise<RegionLabel[][]> {
      return digests.map((d) => d.foreground.map((region, j) => ({ region, classId: ((ranks.get(d.embeddings[j][0]) ?? 0) + seed) % 3 })));
    },
    async fit(inputs: readonly ClassifyInput[]): Promise<void> {
      await clf.fitDigests(inputs.map(digestOf));
    },
    async classify(inputs: readonly ClassifyInput[]): Promise<RegionLabel[][]> {
      return clf.classifyDigests(inputs.map(digestOf));
    },
  };
  return clf;
}

describe('streaming evaluation: counts and digests instead of maps', () => {
  let root: string;
  let ds: Dataset;
  const features = new Map<string, LabelMap>();
  const W = 12;
  const H = 8;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'acseg-eval-stream-'));
    const rand = mulberry32(11);
    const ids = Array.from({ length: 7 }, (_, i) => `img${i}`);
    await mkdir(join(root, 'ImageSets', 'Segmentation'), { recursive: true });
    await writeFile(join(root, 'ImageSets', 'Segmentation', 'val.txt'), `${ids.join('\n')}\n`);
    for (const id of ids) {
      // Ground truth in vertical bands (3 classes, some void); the "features" in blocks that cross them.
      const gt = Array.from({ length: W * H }, (_, p) => (rand() < 0.1 ? 255 : Math.floor(((p % W) / W) * 3 + rand() * 0.6) % 3));
      const blocks = Array.from({ length: W * H }, (_, p) => (Math.floor(p / W / 4) * 3 + Math.floor((p % W) / 5) + Math.floor(rand() * 1.3)) % 6);
      await writeJpeg(join(root, 'JPEGImages', `${id}.jpg`), W, H);
      await writeGreyPng(join(root, 'SegmentationClass', `${id}.png`), W, H, gt);
      features.set(join(root, 'JPEGImages', `${id}.jpg`), { width: W, height: H, data: Uint8Array.from(blocks) } as LabelMap);
    }
    ds = { ...(await openVoc(root)), classNames: ['a', 'b', 'c'] };
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('gives, for every seed, the confusion, matching and scores of a per-pixel confusion over the held split', async () => {
    const backbone = groundTruthBackbone(features);
    const generator = valueGenerator(7);
    const seeds = [0, 1, 2];
    const made: Array<ReturnType<typeof rankClassifier>> = [];
    const report = await evaluateClustering({
      dataset: ds,
      backbone,
      generator,
      seeds,
      classifierFactory: (seed) => {
        const c = rankClassifier(seed);
        made.push(c);
        return c;
      },
    });

    // Independently: the whole split in memory, a fresh classifier per seed fitted on every input, and a per-pixel confusion.
    const { segmented } = await segmentSplit({
      dataset: ds,
      backbone,
      generator,
      log: { debug() {}, info() {}, warn() {} },
      progress: { start: () => ({ update() {}, stop() {} }) },
    });
    expect(report.images).toBe(segmented.length);
    const inputs = segmented.map((s) => classifyInput(s.segmentation));
    for (const [i, seed] of seeds.entries()) {
      const clf = rankClassifier(seed);
      const ctx = { backbone } as ClassifierContext;
      await clf.fit!(inputs, ctx);
      const labels = await clf.classify(inputs, ctx);
      const cm = new ConfusionMatrix(3);
      segmented.forEach((s, j) => cm.add(s.label.data, classMap({ ...s.segmentation, labels: labels[j] })));
      const assignment = matchConfusion(cm, 'pixels');
      const { confusion, missed } = applyAssignment(cm, assignment);
      const scores = scoreConfusion(confusion, missed);
      expect(report.seeds[i].assignment).toEqual(assignment);
      expect(report.seeds[i].confusion).toEqual(confusion);
      expect(report.seeds[i].unmatched).toEqual(missed);
      expect(report.seeds[i].mIoU).toBe(scores.mIoU);
      expect(report.seeds[i].pixelAccuracy).toBe(scores.pixelAccuracy);
    }
    // The seeds disagree (the test is not trivially constant), and each image was digested once, by the first classifier.
    expect(new Set(report.seeds.map((s) => JSON.stringify(s.assignment))).size).toBeGreaterThan(1);
    expect(made.map((c) => c.digested)).toEqual([segmented.length, 0, 0]);
  });

  it('keeps per image only counts and a digest: no maps, features or images beyond the report samples', async () => {
    const prepared = await prepareSplit({
      dataset: ds,
      backbone: groundTruthBackbone(features),
      generator: valueGenerator(7),
      digester: rankClassifier(0),
      samples: 2,
      context: {} as ClassifierContext,
      log: { debug() {}, info() {}, warn() {} },
      progress: { start: () => ({ update() {}, stop() {} }) },
    });
    expect(prepared.items).toHaveLength(7);
    expect(prepared.samples).toHaveLength(2);
    for (const it of await allItems(prepared.items)) {
      expect(Object.keys(it).sort()).toEqual(['counts', 'digest', 'id']);
      expect(it.counts.counts.length).toBe(it.counts.regionCount * 3);
    }
    expect(prepared.digestedBy).toBe('rank');
  });

  it('region × class counts: a hand-worked image, void skipped, out-of-range ground truth refused', () => {
    // 2 regions over 6 pixels; ground truth [0, 1, 255, 1, 1, 2].
    const regions = { width: 3, height: 2, count: 2, labels: Uint8Array.of(0, 0, 0, 1, 1, 1), pixelCounts: [3, 3], concepts: [0, 1] };
    const t = regionClassCounts(regions as never, [0, 1, 255, 1, 1, 2], 3);
    expect([...t.counts]).toEqual([1, 1, 0, 0, 2, 1]);
    expect(() => regionClassCounts(regions as never, [0, 1, 3, 1, 1, 2], 3)).toThrow(/outside 0..2/);
    const cm = new ConfusionMatrix(3);
    cm.addRegions(t, [4, 255]);
    expect(cm.get(0, 4)).toBe(1);
    expect(cm.get(1, 4)).toBe(1);
    expect([...cm.unlabeled]).toEqual([0, 2, 1]);
    expect(cm.predictedIds).toBe(5);
  });
});
