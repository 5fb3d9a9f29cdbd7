import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AcsegError, type ClassifyInput, type RegionMap } from '@acseg/core';
import { afterAll, describe, expect, it } from 'vitest';
import { KMeansClassifier } from './kmeans-classifier.js';
import { makeScene, PlantedBackbone, regionLayout, sceneFeatures } from './testing/fixtures/scene.js';

const dir = await mkdtemp(join(tmpdir(), 'acseg-kmeans-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The predicted ids of the foreground regions map one-to-one onto the planted classes. */
function expectSamePartition(predicted: number[][], truth: number[][]): void {
  const toTruth = new Map<number, number>();
  const toPred = new Map<number, number>();
  predicted.forEach((img, i) =>
    img.forEach((p, r) => {
      const t = truth[i][r];
      expect(toTruth.get(p) ?? t).toBe(t);
      expect(toPred.get(t) ?? p).toBe(p);
      toTruth.set(p, t);
      toPred.set(t, p);
    }),
  );
}

describe('KMeansClassifier', () => {
  it('recovers the planted classes, background 0, and embeds each region once', async () => {
    const backbone = new PlantedBackbone();
    const scene = makeScene(backbone, { images: 30, classes: 4, dim: 16, seed: 1 });
    const clf = new KMeansClassifier({ K: 4, seed: 3 });
    await clf.fit(scene.inputs, { backbone });
    const labels = await clf.classify(scene.inputs, { backbone });
    const ids = labels.map((l) => l.map((x) => x.classId));
    for (const img of ids) expect(img[0]).toBe(0);
    expectSamePartition(ids, scene.truth);
    expect(new Set(ids.flatMap((img) => img.slice(1)))).toEqual(new Set([1, 2, 3, 4]));
    // Background regions are never embedded; fit and classify share the embeddings.
    expect(backbone.calls).toHaveLength(30);
    for (const c of backbone.calls) expect(c.which).toEqual([1, 2]);
    // Scores are cosines to the centroid: close to 1 on tight clusters.
    for (const l of labels) for (const x of l.slice(1)) expect(x.score!).toBeGreaterThan(0.99);
  });

  it('clusters every region without background (COCO-Stuff-27 protocol), class = centroid', async () => {
    const backbone = new PlantedBackbone();
    const scene = makeScene(backbone, { images: 20, classes: 3, dim: 16, seed: 2 });
    const clf = new KMeansClassifier({ K: 4, background: false, seed: 1 });
    expect(new KMeansClassifier({ background: false }).K).toBe(27);
    expect(new KMeansClassifier().K).toBe(20);
    await clf.fit(scene.inputs, { backbone });
    const ids = (await clf.classify(scene.inputs, { backbone })).map((l) => l.map((x) => x.classId));
    expectSamePartition(ids, scene.truth); // the planted background vector is a fourth class
    expect(new Set(ids.flat())).toEqual(new Set([0, 1, 2, 3]));
    for (const c of backbone.calls) expect(c.which).toEqual([0, 1, 2]);
  });

  it('uses fewer clusters than K when there are fewer distinct embeddings, and warns', async () => {
    const backbone = new PlantedBackbone();
    const scene = makeScene(backbone, { images: 6, classes: 2, dim: 8, seed: 3, noise: 0 });
    // Noise 0 but random scales: normalization makes each class one point.
    const warnings: string[] = [];
    const clf = new KMeansClassifier({ K: 20 });
    await clf.fit(scene.inputs, { backbone, log: { info() {}, debug() {}, warn: (m) => warnings.push(m) } });
    expect(clf.centroids!.k).toBe(2);
    expect(warnings.join('\n')).toMatch(/only 2 distinct region embeddings among 12; using 2 clusters instead of 20/);
  });

  it('saves and loads its centroids', async () => {
    const backbone = new PlantedBackbone();
    const scene = makeScene(backbone, { images: 12, classes: 3, dim: 16, seed: 4 });
    const clf = new KMeansClassifier({ K: 3, seed: 7 });
    await clf.fit(scene.inputs, { backbone });
    const path = join(dir, 'kmeans.safetensors');
    await clf.save(path);
    const loaded = new KMeansClassifier({ background: false });
    await loaded.load(path);
    expect(Array.from(loaded.centroids!.data)).toEqual(Array.from(clf.centroids!.data));
    expect(await loaded.classify(scene.inputs, { backbone })).toEqual(await clf.classify(scene.inputs, { backbone }));
  });

  it('names the problem on bad input', async () => {
    const backbone = new PlantedBackbone();
    const clf = new KMeansClassifier({ K: 2 });
    await expect(clf.fit([], { backbone })).rejects.toThrow(/no images to fit on/);
    await expect(clf.classify([], { backbone })).rejects.toThrow(/not fitted/);
    // Images whose region maps are empty give no foreground region at all.
    const empty: RegionMap = { width: 0, height: 0, labels: new Uint16Array(0), count: 0, concepts: [], pixelCounts: [] };
    const input: ClassifyInput = { image: 'a.jpg', features: sceneFeatures('a'), regions: empty };
    await expect(clf.fit([input], { backbone })).rejects.toThrow(/none of the 1 images has a foreground region to cluster/);
    // A backbone without region embeddings.
    const { labels, pixelCounts } = regionLayout();
    const regions: RegionMap = { width: 8, height: 8, labels, count: 3, concepts: [0, 1, 2], pixelCounts };
    const plain = { name: 'plain', info: backbone.info, extract: backbone.extract.bind(backbone) };
    await expect(clf.fit([{ image: 'b.jpg', features: sceneFeatures('b'), regions }], { backbone: plain })).rejects.toThrow(
      /needs region embeddings, which backbone plain does not provide/,
    );
    // An all-zero embedding names the image and the region.
    backbone.planted.set(regions, [new Float32Array(4), new Float32Array(4), Float32Array.of(1, 0, 0, 0)]);
    await expect(clf.fit([{ image: 'b.jpg', features: sceneFeatures('b'), regions }], { backbone })).rejects.toThrow(
      /b\.jpg region 1: the region embedding is all zeros/,
    );
    // A wrong number of embeddings.
    const short = {
      ...backbone,
      name: 'short',
      info: backbone.info,
      extract: backbone.extract.bind(backbone),
      regionEmbeddings: async () => [Float32Array.of(1)],
    };
    const regions2: RegionMap = { ...regions };
    await expect(clf.fit([{ image: 'c.jpg', features: sceneFeatures('c'), regions: regions2 }], { backbone: short })).rejects.toThrow(
      /c\.jpg: backbone short returned 1 region embeddings for 2 regions/,
    );
    // Bad options and bad checkpoints.
    expect(() => new KMeansClassifier({ K: 0 })).toThrow(AcsegError);
    expect(() => new KMeansClassifier({ headReduce: 'median' as 'min' })).toThrow(/headReduce must be one of min, mean, max/);
    const junk = join(dir, 'junk.safetensors');
    await writeFile(junk, 'not a safetensors file');
    await expect(clf.load(junk)).rejects.toThrow(/junk\.safetensors: cannot read the classifier state/);
    await expect(clf.save(join(dir, 'x.safetensors'))).rejects.toThrow(/not fitted/);
  });
});
