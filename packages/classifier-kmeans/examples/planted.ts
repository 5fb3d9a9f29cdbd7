/**
 * The classifiers on hand-made regions: run with
 *   npx tsx --conditions @acseg/source examples/planted.ts
 * Each 8×8 image has a low-attention ring (background) and two inner
 * regions whose "embeddings" point at one of three class directions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backbone, ClassifyInput, RegionMap } from '@acseg/core';
import { KMeansClassifier, KnnClassifier } from '../src/index.js'; // '@acseg/classifier-kmeans' outside this repo

const directions = [
  [0, 0, 1],
  [1, 0, 0],
  [0, 1, 0],
  [0.7, 0.7, 0],
];
const vectors = new Map<RegionMap, number[][]>();
const backbone: Backbone = {
  name: 'toy',
  info: { model: 'toy', patchSize: 2, inputSize: 8, dim: 3, hasAttention: true },
  extract: () => {
    throw new Error('not needed here');
  },
  regionEmbeddings: async (_image, regions, which = []) => which.map((r) => Float32Array.from(vectors.get(regions)![r])),
};

function image(i: number, a: number, b: number): { input: ClassifyInput; gt: Uint8Array } {
  const labels = new Uint16Array(64);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) labels[y * 8 + x] = x < 2 || x > 5 || y < 2 || y > 5 ? 0 : x < 4 ? 1 : 2;
  const regions: RegionMap = { width: 8, height: 8, labels, count: 3, concepts: [0, 1, 2], pixelCounts: [48, 8, 8] };
  vectors.set(regions, [directions[0], directions[a].map((v) => v + 0.01 * i), directions[b]]);
  const attention = Float32Array.from({ length: 16 }, (_, p) => (p % 4 > 0 && p % 4 < 3 && p > 3 && p < 12 ? 0.2 : 0.01));
  const features = {
    id: `img${i}`,
    grid: { h: 4, w: 4 },
    dim: 1,
    tokens: new Float32Array(16).fill(1),
    attention: { heads: 1, data: attention },
    imageSize: { width: 8, height: 8 },
  };
  const gt = Uint8Array.from(labels, (r) => [0, a, b][r]);
  return { input: { image: { id: `img${i}`, width: 8, height: 8, data: new Uint8Array(192) }, features, regions }, gt };
}

const set = [image(0, 1, 2), image(1, 2, 3), image(2, 3, 1), image(3, 1, 3)];
const inputs = set.map((s) => s.input);

const km = new KMeansClassifier({ K: 3, seed: 0 }); // background: true → class = cluster + 1, background 0
await km.fit(inputs, { backbone });
console.log(
  'k-means:',
  (await km.classify(inputs, { backbone })).map((l) => l.map((x) => x.classId).join(' ')),
);
const dir = await mkdtemp(join(tmpdir(), 'acseg-kmeans-example-'));
await km.save(join(dir, 'kmeans.safetensors'));
await rm(dir, { recursive: true, force: true });

const knn = new KnnClassifier({ K: 1 });
await knn.fit(
  inputs.slice(0, 3),
  { backbone },
  set.slice(0, 3).map((s) => s.gt),
);
console.log(
  'k-NN on the 4th image:',
  (await knn.classify([inputs[3]], { backbone, classNames: ['background', 'cat', 'dog', 'bird'] }))[0].map((x) => x.className).join(' '),
);
