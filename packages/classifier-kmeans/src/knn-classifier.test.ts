import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AcsegError, ClassifyInput, RegionMap } from '@acseg/core';
import { afterAll, describe, expect, it } from 'vitest';
import { KMeansClassifier } from './kmeans-classifier.js';
import { KnnClassifier, nearest, vote } from './knn-classifier.js';
import { seededRandom } from './rng.js';
import { makeScene, PlantedBackbone, regionLayout, sceneFeatures } from './testing/fixtures/scene.js';

const dir = await mkdtemp(join(tmpdir(), 'acseg-knn-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('nearest', () => {
  it('returns the K most similar rows, most similar first, as a full sort does', () => {
    const rand = seededRandom(3);
    const dim = 5;
    const rows = 50;
    const bank = Float32Array.from({ length: rows * dim }, () => rand() - 0.5);
    const q = Float32Array.from({ length: dim }, () => rand() - 0.5);
    const sims = Array.from({ length: rows }, (_, i) => ({ index: i, s: q.reduce((a, v, j) => a + v * bank[i * dim + j], 0) }));
    sims.sort((a, b) => b.s - a.s || a.index - b.index);
    const got = nearest(q, bank, rows, dim, 7);
    expect(got.map((n) => n.index)).toEqual(sims.slice(0, 7).map((s) => s.index));
    got.forEach((n, i) => expect(n.similarity).toBeCloseTo(sims[i].s, 6));
  });
  it('keeps the lower index among equal similarities', () => {
    const bank = Float32Array.of(1, 0, 0, 1, 1, 0, 1, 0);
    expect(nearest(Float32Array.of(1, 0), bank, 4, 2, 2).map((n) => n.index)).toEqual([0, 2]);
  });
});

describe('vote', () => {
  const labels = Int32Array.of(3, 5, 5, 3, 7);
  const n = (index: number, similarity: number) => ({ index, similarity });
  it('takes the majority', () => {
    // classes in order: 3, 5, 5, 7, 3 → 5 has 2, 3 has 2: tie → 3 (its member ranks first).
    expect(vote([n(0, 0.9), n(1, 0.8), n(2, 0.7), n(4, 0.6), n(3, 0.5)], labels)).toEqual({ classId: 3, similarity: 0.9 });
    // 5, 5, 3 → 5.
    expect(vote([n(1, 0.9), n(2, 0.8), n(0, 0.7)], labels)).toEqual({ classId: 5, similarity: 0.9 });
    // 7, 5, 5 → 5 wins by count although 7 is nearest; its nearest member is reported.
    expect(vote([n(4, 0.9), n(1, 0.8), n(2, 0.7)], labels)).toEqual({ classId: 5, similarity: 0.8 });
    // A three-way tie 7, 3, 5 → the nearest, 7.
    expect(vote([n(4, 0.9), n(0, 0.8), n(1, 0.7)], labels).classId).toBe(7);
  });
});

/** One image whose inner regions 1 and 2 get the given embeddings; background region 0 gets a fixed vector. */
function crafted(backbone: PlantedBackbone, id: string, e1: number[], e2: number[]): ClassifyInput {
  const { labels, pixelCounts } = regionLayout();
  const regions: RegionMap = { width: 8, height: 8, labels, count: 3, concepts: [0, 1, 2], pixelCounts };
  backbone.planted.set(regions, [Float32Array.of(0, 0, 1), Float32Array.from(e1), Float32Array.from(e2)]);
  return { image: { id, width: 8, height: 8, data: new Uint8Array(192) }, features: sceneFeatures(id), regions };
}

function gtFor(a: number, b: number): Uint8Array {
  return Uint8Array.from(regionLayout().labels, (r) => [0, a, b][r]);
}

describe('KnnClassifier', () => {
  it('labels validation regions by their nearest train regions (K = 1 and K = 5)', async () => {
    const backbone = new PlantedBackbone();
    const train = makeScene(backbone, { images: 24, classes: 5, dim: 16, seed: 1, prefix: 'train' });
    const val = makeScene(backbone, { images: 10, classes: 5, dim: 16, seed: 2, prefix: 'val' });
    for (const K of [1, 5]) {
      const clf = new KnnClassifier({ K });
      await clf.fit(train.inputs, { backbone }, train.labels);
      expect(clf.size).toBe(48);
      const out = await clf.classify(val.inputs, { backbone, classNames: ['bg', 'a', 'b', 'c', 'd', 'e'] });
      expect(out.map((l) => l.map((x) => x.classId))).toEqual(val.truth);
      expect(out[0][0].className).toBe('bg');
      expect(out[0][1].className).toBe(['bg', 'a', 'b', 'c', 'd', 'e'][val.truth[0][1]]);
    }
  });

  it('labels bank regions by majority ground truth, ignoring 0 and 255, and applies the vote', async () => {
    const backbone = new PlantedBackbone();
    // Bank: three regions near (1, 0, 0) labelled 4, 4, 9 and one near (0, 1, 0) labelled 9.
    const t1 = crafted(backbone, 't1', [1, 0.1, 0], [1, 0.2, 0]);
    const t2 = crafted(backbone, 't2', [1, 0.3, 0], [0, 1, 0]);
    const g1 = gtFor(4, 4);
    const g2 = gtFor(9, 9);
    // Region 1 of t2: mostly void and background, but 9 is the only counted class.
    const layout = regionLayout().labels;
    let seen = 0;
    for (let p = 0; p < 64; p++) if (layout[p] === 1 && seen++ < 6) g2[p] = seen % 2 ? 255 : 0;
    const q = crafted(backbone, 'q', [1, 0.25, 0], [0.1, 1, 0]);
    const k1 = new KnnClassifier({ K: 1 });
    await k1.fit([t1, t2], { backbone }, [g1, g2]);
    // (1, .25, 0) is nearest to (1, .3, 0) (labelled 9); (.1, 1, 0) to (0, 1, 0), labelled 9.
    expect((await k1.classify([q], { backbone }))[0].map((x) => x.classId)).toEqual([0, 9, 9]);
    const k3 = new KnnClassifier({ K: 3 });
    await k3.fit([t1, t2], { backbone }, [g1, g2]);
    // Three nearest of (1, .25, 0): labels 9, 4, 4 → 4.
    expect((await k3.classify([q], { backbone }))[0][1].classId).toBe(4);
    const k2 = new KnnClassifier({ K: 2 });
    await k2.fit([t1, t2], { backbone }, [g1, g2]);
    // Two nearest: 9, 4 → a tie, broken by the nearest: 9.
    expect((await k2.classify([q], { backbone }))[0][1].classId).toBe(9);
  });

  it('keeps class 0 and every region without background (COCO-Stuff-27)', async () => {
    const backbone = new PlantedBackbone();
    const t = crafted(backbone, 't', [1, 0, 0], [0, 1, 0]);
    const gt = gtFor(0, 3);
    const clf = new KnnClassifier({ background: false });
    await clf.fit([t], { backbone }, [gt]);
    expect(clf.size).toBe(3); // the background vector (0, 0, 1) labelled 0 joins the bank
    const q = crafted(backbone, 'q', [0.9, 0.1, 0], [0.1, 1, 0]);
    expect((await clf.classify([q], { backbone }))[0].map((x) => x.classId)).toEqual([0, 0, 3]);
  });

  it('saves and loads its memory bank', async () => {
    const backbone = new PlantedBackbone();
    const train = makeScene(backbone, { images: 8, classes: 3, dim: 8, seed: 5 });
    const clf = new KnnClassifier({ K: 3, background: false });
    await clf.fit(train.inputs, { backbone }, train.labels);
    const path = join(dir, 'bank.safetensors');
    await clf.save(path);
    const loaded = new KnnClassifier({ K: 3 });
    await loaded.load(path);
    expect(loaded.size).toBe(clf.size);
    expect(await loaded.classify(train.inputs, { backbone })).toEqual(await clf.classify(train.inputs, { backbone }));
    await expect(new KMeansClassifier().load(path)).rejects.toThrow(/not a acseg-kmeans\/1 checkpoint/);
  });

  it('names the problem on bad input', async () => {
    const backbone = new PlantedBackbone();
    const clf = new KnnClassifier();
    const t = crafted(backbone, 't', [1, 0, 0], [0, 1, 0]);
    await expect(clf.fit([], { backbone }, [])).rejects.toThrow(/no images to build the memory bank/);
    await expect(clf.fit([t], { backbone })).rejects.toThrow(/needs ground-truth labels/);
    await expect(clf.fit([t], { backbone }, [])).rejects.toThrow(/1 images but 0 label maps/);
    await expect(clf.fit([t], { backbone }, [new Uint8Array(10)])).rejects.toThrow(/<image t>: the label map holds 10 pixels, the image's regions 8×8 = 64/);
    await expect(clf.fit([t], { backbone }, [new Uint8Array(64)])).rejects.toThrow(/none of the 1 images gives a labelled foreground region/);
    // Said to a CLI user: what a bank is and how to get one, no API words; check() says it before any work.
    for (const call of [() => clf.classify([t], { backbone }), () => clf.check()]) {
      const e = await call().then(
        () => undefined,
        (err: unknown) => err as AcsegError,
      );
      expect(e?.message).toMatch(/classifier knn labels regions by their nearest labelled examples \(a memory bank\), and it has none/);
      expect(e?.hint).toMatch(/--set knn\.checkpoint=FILE.*acseg eval --classifier knn/);
      expect(`${e?.message} ${e?.hint}`).not.toMatch(/fit\(\)/);
    }
  });
});
