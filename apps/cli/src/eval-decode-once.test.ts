import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRgbImage, type Backbone, type FeatureMap, type ImageInput, type RegionMap } from '@acseg/core';
import { HandcraftedBackbone } from '@acseg/backbone-handcrafted';
import { KMeansClassifier } from '@acseg/classifier-kmeans';
import { evaluateClustering, openDataset, type Dataset, type EvalReport } from '@acseg/eval';
import { KMeansGenerator } from '@acseg/generator-clustering';
import { writeEvalReport } from '@acseg/report';
import { writeTinyVoc } from '../../../packages/eval/src/testing/tiny-datasets.js';

let dir: string;
let dataset: Dataset;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-eval-decode-once-'));
  // Ten images, four of them report samples: both kinds of image are there.
  await writeTinyVoc(join(dir, 'voc'), { val: Array.from({ length: 10 }, (_, i) => [48 + 8 * (i % 3), 40 + 8 * (i % 2)] as [number, number]) });
  dataset = await openDataset('voc', join(dir, 'voc'), { split: 'val' });
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The weight-free backbone, counting its decodes per file and any path that reaches `extract` or `regionEmbeddings` (a re-read). */
function countingBackbone() {
  const real = new HandcraftedBackbone();
  const decodes = new Map<string, number>();
  const reread: string[] = [];
  const backbone: Backbone = Object.assign(Object.create(real) as HandcraftedBackbone, {
    async decode(image: ImageInput, index: number) {
      decodes.set(String(image), (decodes.get(String(image)) ?? 0) + 1);
      return real.decode(image, index);
    },
    extract(images: readonly ImageInput[]) {
      for (const im of images) if (!isRgbImage(im)) reread.push(String(im));
      return real.extract(images);
    },
    regionEmbeddings(image: ImageInput, regions: RegionMap, which?: readonly number[], features?: FeatureMap) {
      if (!isRgbImage(image)) reread.push(String(image));
      return real.regionEmbeddings(image, regions, which, features);
    },
  });
  return { backbone, decodes, reread };
}

function evaluate(backbone: Backbone, decode: boolean): Promise<EvalReport> {
  return evaluateClustering({
    dataset,
    backbone,
    generator: new KMeansGenerator({ k: 3, seed: 1 }),
    classifierFactory: (seed) => new KMeansClassifier({ K: 4, seed }),
    seeds: [0, 1, 2],
    samples: 4,
    decode,
  });
}

/** A report's files by name, as a hash (metrics.json and report.html without their time stamps). */
async function files(out: string): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const sub of ['', 'samples']) {
    for (const name of await readdir(join(out, sub))) {
      if (name === 'samples') continue;
      let bytes: Buffer | string = await readFile(join(out, sub, name));
      if (name === 'report.html') bytes = bytes.toString('utf8').replace(/<b>(date|time)<\/b> [^<]*/g, '');
      if (name === 'metrics.json') {
        const { date: _d, seconds: _s, ...rest } = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
        bytes = JSON.stringify(rest);
      }
      m.set(join(sub, name), createHash('sha256').update(bytes).digest('hex'));
    }
  }
  return m;
}

describe('eval decodes once', () => {
  it('each image is decoded once for the numbers (report samples once more, for their maps and picture); same numbers and report as reading the file for each', async () => {
    const counting = countingBackbone();
    const once = await evaluate(counting.backbone, true);
    expect(counting.reread).toEqual([]);
    const sampled = new Set(once.samples.map((s) => dataset.items.find((it) => it.id === s.id)!.image));
    expect(sampled.size).toBe(4);
    expect(Object.fromEntries(counting.decodes)).toEqual(Object.fromEntries(dataset.items.map((it) => [it.image, sampled.has(it.image) ? 2 : 1])));
    expect(once.samples.every((s) => s.decoded && s.decoded.width === s.width && s.decoded.height === s.height)).toBe(true);

    // The report draws the samples from their decode: with the images gone it is written all the same.
    const hidden = dataset.items.map((it) => it.image);
    for (const f of hidden) await rename(f, `${f}.hidden`);
    try {
      await writeEvalReport(join(dir, 'once'), once);
    } finally {
      for (const f of hidden) await rename(`${f}.hidden`, f);
    }

    const reread = await evaluate(new HandcraftedBackbone(), false);
    expect(reread.samples.every((s) => s.decoded === undefined || isRgbImage(s.decoded))).toBe(true);
    expect(once.seeds.map((s) => [s.mIoU, s.pixelAccuracy, s.confusion, s.assignment])).toEqual(
      reread.seeds.map((s) => [s.mIoU, s.pixelAccuracy, s.confusion, s.assignment]),
    );
    expect(once.samples.map((s) => [s.id, s.prediction, s.groundTruth])).toEqual(reread.samples.map((s) => [s.id, s.prediction, s.groundTruth]));
    // Without its decode a sample's picture is read from the file, as before: the same bytes either way.
    await writeEvalReport(join(dir, 'reread'), { ...reread, samples: reread.samples.map((s) => ({ ...s, decoded: undefined })) });
    const [a, b] = [await files(join(dir, 'once')), await files(join(dir, 'reread'))];
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect(a.size).toBeGreaterThan(4 * 3);
    for (const [name, bytes] of b) expect(a.get(name), name).toBe(bytes);
  });
});
