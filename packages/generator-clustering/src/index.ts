import { definePlugin, PLUGIN_API_VERSION } from '@acseg/core';
import { AffinityPropagationGenerator, AgglomerativeGenerator, KMeansGenerator, SpectralGenerator } from './generators.js';

export { kmeans, kmeansPlusPlus, type KMeansOptions, type KMeansResult } from './kmeans.js';
export { spectralClustering, spectralFromAffinity, affinityMatrix, AFFINITY_KINDS, type AffinityKind, type AffinityOptions, type SpectralOptions, type SpectralResult } from './spectral.js';
export { affinityPropagation, type AffinityPropagationOptions, type AffinityPropagationResult } from './affinity-propagation.js';
export { wardClustering, type WardMerge, type WardResult } from './ward.js';
export { topEigenpairs, type Eigenpairs } from './eigen.js';
export { ClusteringGenerator, type CommonOptions } from './base.js';
export {
  KMeansGenerator,
  SpectralGenerator,
  AffinityPropagationGenerator,
  AgglomerativeGenerator,
  type KMeansGeneratorOptions,
  type SpectralGeneratorOptions,
  type AffinityPropagationGeneratorOptions,
  type AgglomerativeGeneratorOptions,
} from './generators.js';
export { softAssignment, LABEL_MARGIN, type SoftAssignment } from './assignment.js';
export { toPoints, type Points, type PointsLike } from './points.js';
export { Rng } from './rng.js';

export const VERSION = '0.1.0';

export default definePlugin({
  name: '@acseg/generator-clustering',
  version: VERSION,
  apiVersion: PLUGIN_API_VERSION,
  register(c) {
    c.generator('kmeans', {
      description: 'k-means per image (k-means++, best of nInit=10), fixed k (default 5)',
      create: (opts) => KMeansGenerator.fromOptions(opts),
    });
    c.generator('spectral', {
      description: 'spectral clustering per image (max(0, cos) affinity, normalized, k eigenvectors, k-means), fixed k (default 5)',
      create: (opts) => SpectralGenerator.fromOptions(opts),
    });
    c.generator('ap', {
      description: 'affinity propagation per image (preference = median similarity); finds its own number of clusters',
      create: (opts) => AffinityPropagationGenerator.fromOptions(opts),
    });
    c.generator('agglomerative', {
      description: 'agglomerative clustering per image, Ward linkage, fixed k (default 5)',
      create: (opts) => AgglomerativeGenerator.fromOptions(opts),
    });
  },
});
