import { definePlugin, packageVersion, PLUGIN_API_VERSION } from '@acseg/core';
import { AGGLOMERATIVE_SCHEMA, AP_SCHEMA, KMEANS_SCHEMA, SPECTRAL_SCHEMA } from './schemas.js';

const generators = () => import('./generators.js');

/** The manifest: declarations only; the clustering code loads when a generator is created. */
export default definePlugin({
  name: '@acseg/generator-clustering',
  version: packageVersion(import.meta.url),
  apiVersion: PLUGIN_API_VERSION,
  generators: {
    kmeans: {
      description: 'k-means per image (k-means++, best of nInit=10), fixed k (default 5)',
      options: KMEANS_SCHEMA,
      create: async (opts) => (await generators()).KMeansGenerator.fromOptions(opts),
    },
    spectral: {
      description: 'spectral clustering per image (max(0, cos) affinity, normalized, k eigenvectors, k-means), fixed k (default 5)',
      options: SPECTRAL_SCHEMA,
      create: async (opts) => (await generators()).SpectralGenerator.fromOptions(opts),
    },
    ap: {
      description: 'affinity propagation per image (preference = median similarity); finds its own number of clusters',
      options: AP_SCHEMA,
      create: async (opts) => (await generators()).AffinityPropagationGenerator.fromOptions(opts),
    },
    agglomerative: {
      description: 'agglomerative clustering per image, Ward linkage, fixed k (default 5)',
      options: AGGLOMERATIVE_SCHEMA,
      create: async (opts) => (await generators()).AgglomerativeGenerator.fromOptions(opts),
    },
  },
});
