import { join } from 'node:path';
import type { Backbone, ClassifyInput, FeatureMap, RegionMap } from '@acseg/core';
import { describeClassifier, removeTempDirs, tempDir } from '@acseg/core/testing';
import { afterAll, beforeAll } from 'vitest';
import { ClipClassifier } from './index.js';
import { writeTinyClip } from './testing/tiny-model.js';

let cache = '';
let modelDir = '';
beforeAll(async () => {
  cache = tempDir('acseg-clip-kit-');
  modelDir = join(cache, 'models', 'tiny-clip', 'main');
  await writeTinyClip(modelDir);
});
afterAll(removeTempDirs);

/** A 64×64 image (the tiny model's input size) in `bands` vertical stripes, one region each. */
function input(id: string, bands: number, seed: number): ClassifyInput {
  const data = new Uint8Array(64 * 64 * 3);
  for (let p = 0; p < 64 * 64; p++) {
    const band = Math.floor(((p % 64) * bands) / 64);
    data[p * 3] = (40 + 70 * band + seed) % 256;
    data[p * 3 + 1] = (p * 7 + seed) % 251;
    data[p * 3 + 2] = (200 - 50 * band) % 256;
  }
  const labels = new Uint16Array(64 * 64).map((_, p) => Math.floor(((p % 64) * bands) / 64));
  const pixelCounts = Array.from({ length: bands }, (_, r) => labels.filter((l) => l === r).length);
  const regions: RegionMap = { width: 64, height: 64, labels, count: bands, concepts: [...Array(bands).keys()], pixelCounts };
  const n = 16;
  const features: FeatureMap = {
    id,
    grid: { h: 4, w: 4 },
    dim: 2,
    tokens: new Float32Array(2 * n).fill(1),
    attention: { heads: 2, data: new Float32Array(2 * n).map((_, i) => ((i % n) % 4 === 0 ? 0.01 : 0.1 + 0.01 * (i % 3))) },
    imageSize: { width: 64, height: 64 },
  };
  return { image: { width: 64, height: 64, data, id }, features, regions };
}

const inputs = [input('three', 3, 1), input('two', 2, 9)];
const backbone = {} as Backbone;

describeClassifier('clip (tiny random-weight CLIP)', {
  create: async () => new ClipClassifier({ model: modelDir, templates: 'scene' }, cache),
  context: () => ({ backbone, classNames: ['background', 'cat', 'dog', 'car'] }),
  badContext: () => ({ backbone }),
  inputs: () => inputs,
});
