export { BackgroundClassifier, type BackgroundClassifierOptions } from './background-classifier.js';
export { KMeansClassifier, type KMeansClassifierOptions } from './kmeans-classifier.js';
export { KnnClassifier, nearest, vote, type KnnClassifierOptions, type Neighbour } from './knn-classifier.js';
export { regionMajorityLabels, IGNORE_LABEL } from './gt-labels.js';
export { embedRegions, type ImageRegions, type EmbedOptions } from './embed.js';
export type { BackgroundChoice } from './options.js';

export { KMEANS_SCHEMA, KNN_SCHEMA, BACKGROUND_SCHEMA } from './schemas.js';
export { default } from './plugin.js';
