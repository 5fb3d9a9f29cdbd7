import { definePlugin, packageVersion, PLUGIN_API_VERSION } from '@acseg/core';
import { BACKGROUND_SCHEMA, KMEANS_SCHEMA, KNN_SCHEMA } from './schemas.js';

const factory = () => import('./factory.js');

/** The manifest: declarations only; the classifiers load when one is created. */
export default definePlugin({
  name: '@acseg/classifier-kmeans',
  version: packageVersion(import.meta.url),
  apiVersion: PLUGIN_API_VERSION,
  classifiers: {
    kmeans: {
      description: 'k-means over foreground region embeddings (paper Tables 1–2)',
      options: KMEANS_SCHEMA,
      defaultRank: 1,
      create: async (opts) => (await factory()).makeKMeans(opts),
    },
    knn: {
      description: 'k-NN retrieval from a labelled memory bank of train regions (paper Table 3)',
      options: KNN_SCHEMA,
      needs: { memoryBank: true },
      create: async (opts) => (await factory()).makeKnn(opts),
    },
    background: {
      description: 'background (0) / foreground (1) per region by CLS attention, else the border prior (paper §3.5)',
      options: BACKGROUND_SCHEMA,
      create: async (opts) => (await factory()).makeBackground(opts),
    },
  },
});
