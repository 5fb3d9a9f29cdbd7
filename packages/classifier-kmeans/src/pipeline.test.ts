import { classMap, SegmentationPipeline, type Backbone, type ConceptGenerator, type FeatureResult, type ImageInput, type RgbImage } from '@acseg/core';
import { describe, expect, it } from 'vitest';
import { KMeansClassifier } from './kmeans-classifier.js';
import { sceneFeatures, unitVectors } from './testing/fixtures/scene.js';

/**
 * Through the core pipeline: a backbone with attention (ring of patches low,
 * inner 2×2 patches high) and planted region embeddings per image id, and a
 * generator whose one-hot S gives the ring, the left and the right inner half.
 */
const directions = unitVectors(3, 8, 5);
const classesOf = new Map<string, [number, number]>();
/** The feature map each regionEmbeddings call was handed, by image id. */
const handed = new Map<string, unknown>();
const backbone: Backbone = {
  name: 'planted-pipeline',
  info: { model: 'planted', patchSize: 2, inputSize: 8, dim: 1, hasAttention: true, heads: 1 },
  async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
    for (const image of images) yield { ok: true, features: sceneFeatures((image as RgbImage).id!) };
  },
  async regionEmbeddings(image, _regions, which = [], features) {
    handed.set((image as RgbImage).id!, features);
    const [a, b] = classesOf.get((image as RgbImage).id!)!;
    return which.map((r) => directions[[0, a, b][r]]);
  },
};
const generator: ConceptGenerator = {
  name: 'fixed',
  ready: true,
  async generate(features) {
    const S = new Float32Array(16 * 3);
    for (let p = 0; p < 16; p++) {
      const r = Math.floor(p / 4);
      const c = p % 4;
      S[p * 3 + (r >= 1 && r < 3 && c >= 1 && c < 3 ? (c === 1 ? 1 : 2) : 0)] = 1;
    }
    return features.map((f) => ({ id: f.id, k: 3, assignment: S }));
  },
};

describe('KMeansClassifier in the SegmentationPipeline', () => {
  it('is fitted on the whole set and labels every pixel', async () => {
    const images: RgbImage[] = [];
    for (let i = 0; i < 6; i++) {
      const id = `p${i}`;
      classesOf.set(id, [1 + (i % 2), 2 - (i % 2)]);
      images.push({ id, width: 8, height: 8, data: new Uint8Array(192) });
    }
    const pipeline = new SegmentationPipeline({ backbone, generator, classifier: new KMeansClassifier({ K: 2 }) }, { batchSize: 4 });
    const outcomes = await pipeline.run(images);
    const maps = outcomes.map((o) => (o.ok ? classMap(o.result) : undefined)!);
    // Ring pixels are background; the two inner halves swap classes from one image to the next.
    for (const m of maps) {
      expect(m[0]).toBe(0);
      expect(new Set([m[2 * 8 + 2], m[2 * 8 + 5]])).toEqual(new Set([1, 2]));
    }
    expect(maps[0][2 * 8 + 2]).toBe(maps[1][2 * 8 + 5]);
    expect(maps[0][2 * 8 + 2]).toBe(maps[2][2 * 8 + 2]);
    // The backbone was handed each image's own feature map, so it need not compute it again.
    for (const o of outcomes) if (o.ok) expect(handed.get(o.result.id)).toBe(o.result.features);
  });
});
