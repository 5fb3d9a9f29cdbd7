import {
  imageId,
  type Backbone,
  type ClassifyInput,
  type ConceptAssignment,
  type ConceptClassifier,
  type ConceptGenerator,
  type FeatureMap,
  type FeatureResult,
  type ImageInput,
  type RegionLabel,
} from '@acseg/core';
import type { LabelMap } from '../label.js';

/**
 * Test double of a backbone: one 1-pixel "patch" per pixel whose single
 * feature is the ground-truth value + 1, so regions can reproduce the
 * ground truth exactly (bilinear upsampling at scale 1 is the identity).
 */
export function groundTruthBackbone(labels: Map<string, LabelMap>): Backbone {
  return {
    name: 'gt-backbone',
    info: { model: 'gt', patchSize: 1, inputSize: 0, dim: 1, hasAttention: false },
    async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
      for (const [i, img] of images.entries()) {
        const key = typeof img === 'string' ? img : (img.id ?? '');
        const l = labels.get(key);
        if (!l) throw new Error(`no label for ${key}`);
        const tokens = Float32Array.from(l.data, (v) => v + 1);
        const features: FeatureMap = {
          id: imageId(img, i),
          grid: { h: l.height, w: l.width },
          dim: 1,
          tokens,
          imageSize: { width: l.width, height: l.height },
          source: key,
        };
        yield { ok: true, features };
      }
    },
  };
}

/** Test double of a generator: concept = feature − 1 (one-hot), void (256) → concept k − 1. */
export function valueGenerator(k: number): ConceptGenerator {
  return {
    name: 'value-generator',
    ready: true,
    async generate(features: readonly FeatureMap[]): Promise<ConceptAssignment[]> {
      return features.map((f) => {
        const n = f.grid.h * f.grid.w;
        const assignment = new Float32Array(n * k);
        for (let i = 0; i < n; i++) {
          const v = f.tokens[i] - 1;
          assignment[i * k + (v < k - 1 ? v : k - 1)] = 1;
        }
        return { id: f.id, k, assignment };
      });
    },
  };
}

/** Test double of a classifier: region of concept c in image `id` → lut(id, c). */
export function lutClassifier(lut: (imageId: string, concept: number) => number, name = 'lut'): ConceptClassifier {
  return {
    name,
    needs: {},
    async classify(inputs: readonly ClassifyInput[]): Promise<RegionLabel[][]> {
      return inputs.map((inp) => inp.regions.concepts.map((c, region) => ({ region, classId: lut(inp.features.id, c) })));
    },
  };
}

/**
 * Test double of a k-NN-style classifier: `fit` learns, from the ground
 * truth it is given, the majority non-void class of each concept's pixels.
 */
export function majorityClassifier(): ConceptClassifier & { fittedOn: number } {
  const votes = new Map<number, Map<number, number>>();
  const clf = {
    name: 'majority',
    needs: { fit: true },
    fittedOn: 0,
    async fit(inputs: readonly ClassifyInput[], _ctx: unknown, labels?: readonly (Uint8Array | undefined)[]): Promise<void> {
      inputs.forEach((inp, i) => {
        const gt = labels?.[i];
        if (!gt) throw new Error('no labels given to fit');
        for (let p = 0; p < gt.length; p++) {
          if (gt[p] === 255) continue;
          const c = inp.regions.concepts[inp.regions.labels[p]];
          const m = votes.get(c) ?? new Map<number, number>();
          m.set(gt[p], (m.get(gt[p]) ?? 0) + 1);
          votes.set(c, m);
        }
      });
      clf.fittedOn = inputs.length;
    },
    async classify(inputs: readonly ClassifyInput[]): Promise<RegionLabel[][]> {
      return inputs.map((inp) =>
        inp.regions.concepts.map((c, region) => {
          const m = votes.get(c);
          const best = m ? [...m.entries()].sort((a, b) => b[1] - a[1])[0][0] : 255;
          return { region, classId: best };
        }),
      );
    },
  };
  return clf;
}
