import { definePlugin, PLUGIN_API_VERSION, type ComponentOptions, type ConceptClassifier } from '@acseg/core';
import { BackgroundClassifier } from './background-classifier.js';
import { KMeansClassifier } from './kmeans-classifier.js';
import { KnnClassifier } from './knn-classifier.js';
import { backgroundChoice, intOption, stringOption } from './options.js';

export { BackgroundClassifier, type BackgroundClassifierOptions } from './background-classifier.js';
export { KMeansClassifier, type KMeansClassifierOptions } from './kmeans-classifier.js';
export { KnnClassifier, nearest, vote, type KnnClassifierOptions, type Neighbour } from './knn-classifier.js';
export { regionMajorityLabels, IGNORE_LABEL } from './gt-labels.js';
export { embedRegions, type ImageRegions, type EmbedOptions } from './embed.js';
export type { BackgroundChoice } from './options.js';

async function withCheckpoint<T extends ConceptClassifier>(classifier: T, opts: ComponentOptions): Promise<T> {
  const checkpoint = stringOption(opts, 'checkpoint', classifier.name);
  if (checkpoint) await classifier.load!(checkpoint);
  return classifier;
}

export default definePlugin({
  name: '@acseg/classifier-kmeans',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  register(c) {
    c.classifier('kmeans', {
      description: 'k-means over foreground region embeddings (paper Tables 1–2); options K, seed, nInit, background, headReduce, regionReduce, backgroundRule, checkpoint',
      create: (opts) => withCheckpoint(new KMeansClassifier({
        ...backgroundChoice(opts, 'kmeans'),
        K: intOption(opts, 'K', 'kmeans', 1),
        seed: intOption(opts, 'seed', 'kmeans', -(2 ** 31)),
        nInit: intOption(opts, 'nInit', 'kmeans', 1),
        maxIterations: intOption(opts, 'maxIterations', 'kmeans', 1),
      }), opts),
    });
    c.classifier('knn', {
      description: 'k-NN retrieval from a labelled memory bank of train regions (paper Table 3); options K, background, headReduce, regionReduce, backgroundRule, checkpoint',
      create: (opts) => withCheckpoint(new KnnClassifier({ ...backgroundChoice(opts, 'knn'), K: intOption(opts, 'K', 'knn', 1) }), opts),
    });
    c.classifier('background', {
      description: 'background (0) / foreground (1) per region by CLS attention, else the border prior (paper §3.5); options headReduce, regionReduce, backgroundRule',
      create: (opts) => {
        const { headReduce, regionReduce, backgroundRule } = backgroundChoice(opts, 'background');
        return new BackgroundClassifier({ headReduce, regionReduce, backgroundRule });
      },
    });
  },
});
