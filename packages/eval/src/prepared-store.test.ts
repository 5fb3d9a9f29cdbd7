import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@acseg/random';
import { HandcraftedBackbone } from '@acseg/backbone-handcrafted';
import { KMeansGenerator } from '@acseg/generator-clustering';
import { KMeansClassifier, KnnClassifier } from '@acseg/classifier-kmeans';
import type { Dataset } from './dataset.js';
import { openVoc } from './datasets/voc.js';
import { decodeDigest, encodeDigest } from './prepared-io.js';
import type { PreparedItem } from './prepared.js';
import { IdsList, memoryPreparedStore, type PreparedStore } from './prepared-store.js';
import type { EvalReport } from './report.js';
import { evaluateClustering, evaluateKnnRetrieval, evaluateWithText } from './tables.js';
import { lutClassifier } from './testing/fakes.js';
import { writeTinyVoc } from './testing/tiny-datasets.js';

/** What a store on disk does: keeps a copy of each item (nothing shared with the caller) and reads it back in chunks. */
function copyingStore(reads: { chunks: number; rows: number; closed: number }): PreparedStore {
  const kept: PreparedItem[] = [];
  const copy = (it: PreparedItem): PreparedItem => ({
    id: it.id,
    counts: { ...it.counts, counts: it.counts.counts.slice() },
    ...(it.digest ? { digest: decodeDigest(JSON.parse(JSON.stringify(encodeDigest(it.digest)))) } : {}),
    ...(it.ids ? { ids: it.ids.slice() } : {}),
  });
  const inner = memoryPreparedStore(kept);
  return {
    get length() {
      return inner.length;
    },
    async add(item) {
      if (item.held) throw new Error('a store on disk cannot keep held inputs');
      await inner.add(copy(item));
    },
    async *chunks(size, options) {
      reads.chunks++;
      for await (const chunk of inner.chunks(size)) yield chunk.map((it) => (options?.digests === false ? { ...copy(it), digest: undefined } : copy(it)));
    },
    async rows() {
      reads.rows++;
      return inner.rows();
    },
    async close() {
      reads.closed++;
      await inner.close();
    },
  };
}

/** A report without its timing, to compare two runs. */
const same = (r: EvalReport) => ({ ...r, date: undefined, seconds: undefined });

describe('prepared items in a store (what the CLI keeps on disk)', () => {
  let root: string;
  let val: Dataset;
  let train: Dataset;
  const backbone = new HandcraftedBackbone();
  const generator = new KMeansGenerator({ k: 4 });
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'acseg-eval-store-'));
    const sizes: Array<[number, number]> = [
      [48, 40],
      [40, 48],
      [56, 40],
      [48, 48],
      [40, 40],
      [64, 48],
    ];
    await writeTinyVoc(root, { val: sizes, train: sizes.slice(0, 5) }, 7);
    val = await openVoc(root, { split: 'val' });
    train = await openVoc(root, { split: 'train' });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('k-means per seed: the same report from a store read in chunks, each seed fitted from its rows (fitRows)', async () => {
    const fitted: string[] = [];
    const make = (seed: number) => {
      const clf = new KMeansClassifier({ K: 9, seed });
      const fitRows = clf.fitRows.bind(clf);
      const fitDigests = clf.fitDigests.bind(clf);
      clf.fitRows = (...a) => (fitted.push('rows'), fitRows(...a));
      clf.fitDigests = (...a) => (fitted.push('digests'), fitDigests(...a));
      return clf;
    };
    const options = { dataset: val, backbone, generator, seeds: [0, 1, 2], batchSize: 2, samples: 4 };
    const inMemory = await evaluateClustering({ ...options, classifierFactory: make });
    const reads = { chunks: 0, rows: 0, closed: 0 };
    const stored = await evaluateClustering({ ...options, classifierFactory: make, store: async () => copyingStore(reads) });
    expect(same(stored)).toEqual(same(inMemory));
    expect(stored.samples.length).toBe(4);
    // The seeds disagree, so the comparison is not of constants.
    expect(new Set(inMemory.seeds.map((s) => JSON.stringify(s.confusion))).size).toBeGreaterThan(1);
    expect(fitted).toEqual(Array(6).fill('rows'));
    // One read per seed, then the per-image scores and the picked samples; the store closed once.
    expect(reads).toEqual({ chunks: 5, rows: 3, closed: 1 });
  });

  it('k-NN retrieval: the same reports with both splits in stores', async () => {
    const options = { dataset: val, train, backbone, generator, ks: [1, 3], batchSize: 4 };
    const knnFactory = (K: number) => new KnnClassifier({ K });
    const inMemory = await evaluateKnnRetrieval({ ...options, knnFactory });
    const reads = { chunks: 0, rows: 0, closed: 0 };
    const stored = await evaluateKnnRetrieval({ ...options, knnFactory, store: async () => copyingStore(reads) });
    expect(stored.map(same)).toEqual(inMemory.map(same));
    expect(inMemory[0].mIoU.mean).toBeGreaterThan(0);
    expect(reads.closed).toBe(2);
  });

  it('a classifier that labels as it goes: the same report from a store', async () => {
    const options = { dataset: val, backbone, generator, batchSize: 3 };
    const classifierFactory = () => lutClassifier((id, c) => (c * 3 + id.length) % 21);
    const inMemory = await evaluateWithText({ ...options, classifierFactory });
    const stored = await evaluateWithText({ ...options, classifierFactory, store: async () => copyingStore({ chunks: 0, rows: 0, closed: 0 }) });
    expect(same(stored)).toEqual(same(inMemory));
  });
});

describe('IdsList', () => {
  it('gives back each image’s ids as pushed, across growth', () => {
    const next = mulberry32(3);
    const list = new IdsList();
    const pushed: number[][] = [];
    for (let i = 0; i < 3000; i++) {
      const ids = Array.from({ length: Math.floor(next() * 9) }, () => Math.floor(next() * 256));
      pushed.push(ids);
      list.push(Uint8Array.from(ids));
    }
    expect(list.length).toBe(3000);
    expect(pushed.every((ids, j) => [...list.get(j)].join() === ids.join())).toBe(true);
    expect(() => list.get(3000)).toThrow(RangeError);
  });
});
