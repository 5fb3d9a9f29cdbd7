import { describeClassifier } from '@acseg/core/testing';
import { BackgroundClassifier, KMeansClassifier, KnnClassifier } from './index.js';
import { makeScene, PlantedBackbone } from './testing/fixtures/scene.js';

// One scene per classifier: the planted backbone knows its region maps by identity, so `inputs` returns the same objects.
function scene(seed: number) {
  const backbone = new PlantedBackbone();
  const train = makeScene(backbone, { images: 12, classes: 3, dim: 8, seed, prefix: 'train' });
  const val = makeScene(backbone, { images: 6, classes: 3, dim: 8, seed: seed + 1, prefix: 'val' });
  return { backbone, train, val };
}

const km = scene(1);
describeClassifier('kmeans', {
  create: async (seed) => new KMeansClassifier({ K: 3, seed }),
  context: () => ({ backbone: km.backbone }),
  inputs: () => km.val.inputs,
});

const nn = scene(3);
describeClassifier('knn', {
  create: async () => {
    const c = new KnnClassifier({ K: 3 });
    await c.fit(nn.train.inputs, { backbone: nn.backbone }, nn.train.labels);
    return c;
  },
  unprepared: async () => new KnnClassifier({ K: 3 }),
  context: () => ({ backbone: nn.backbone }),
  inputs: () => nn.val.inputs,
});

const bg = scene(5);
describeClassifier('background', {
  create: async () => new BackgroundClassifier(),
  context: () => ({ backbone: bg.backbone, classNames: ['background', 'foreground'] }),
  inputs: () => bg.val.inputs,
});
