export { kmeans, kmeansPlusPlus, type KMeansOptions, type KMeansResult } from './kmeans.js';
export {
  spectralClustering,
  spectralFromAffinity,
  affinityMatrix,
  AFFINITY_KINDS,
  type AffinityKind,
  type AffinityOptions,
  type SpectralOptions,
  type SpectralResult,
} from './spectral.js';
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
export type { RowReader } from './row-reader.js';
export { Rng } from './rng.js';

export const VERSION = '0.1.0';

export { default } from './plugin.js';
export { KMEANS_SCHEMA, SPECTRAL_SCHEMA, AP_SCHEMA, AGGLOMERATIVE_SCHEMA } from './schemas.js';
