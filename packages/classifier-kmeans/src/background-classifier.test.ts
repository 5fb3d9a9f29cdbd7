import { describe, expect, it } from 'vitest';
import { BackgroundClassifier } from './background-classifier.js';
import { makeScene, PlantedBackbone, sceneFeatures } from './testing/fixtures/scene.js';

describe('BackgroundClassifier', () => {
  const backbone = new PlantedBackbone();
  const scene = makeScene(backbone, { images: 2, classes: 2, dim: 4, seed: 1 });
  it('labels the low-attention ring 0 and the inner regions 1, scored by summed attention', async () => {
    const out = await new BackgroundClassifier().classify(scene.inputs, { backbone });
    expect(out[0].map((l) => l.classId)).toEqual([0, 1, 1]);
    expect(out[0].map((l) => l.className)).toEqual(['background', 'foreground', 'foreground']);
    // 48 ring pixels × 0.01, 8 inner pixels × 0.2 (float32 attention).
    expect(out[0][0].score).toBeCloseTo(0.48, 6);
    expect(out[0][1].score).toBeCloseTo(1.6, 6);
    expect(backbone.calls).toHaveLength(0);
  });
  it('falls back to the border prior without attention', async () => {
    const input = { ...scene.inputs[0], features: sceneFeatures('x', false) };
    const out = await new BackgroundClassifier().classify([input], { backbone, classNames: ['bg', 'fg'] });
    expect(out[0]).toEqual([
      { region: 0, classId: 0, className: 'bg' },
      { region: 1, classId: 1, className: 'fg' },
      { region: 2, classId: 1, className: 'fg' },
    ]);
  });
  it('follows the per-region mean when asked', async () => {
    // Mean attention per pixel: ring 0.01, inner 0.2 → same split, scores are means.
    const out = await new BackgroundClassifier({ regionReduce: 'mean' }).classify(scene.inputs, { backbone });
    expect(out[1].map((l) => l.classId)).toEqual([0, 1, 1]);
    expect(out[1][2].score).toBeCloseTo(0.2, 6);
  });
});
