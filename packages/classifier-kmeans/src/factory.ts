import { parseOptions, type ComponentOptions, type ConceptClassifier } from '@acseg/core';
import { BackgroundClassifier } from './background-classifier.js';
import { KMeansClassifier } from './kmeans-classifier.js';
import { KnnClassifier } from './knn-classifier.js';
import { BACKGROUND_SCHEMA, KMEANS_SCHEMA, KNN_SCHEMA } from './schemas.js';

async function withCheckpoint<T extends ConceptClassifier>(classifier: T, checkpoint: string | undefined): Promise<T> {
  if (checkpoint) await classifier.load!(checkpoint);
  return classifier;
}

/** The plugin's factories: a flat CLI record in, a classifier out (its state loaded when `checkpoint` names one). */
export function makeKMeans(opts: ComponentOptions): Promise<KMeansClassifier> {
  const { checkpoint, ...o } = parseOptions(KMEANS_SCHEMA, opts, 'classifier kmeans');
  return withCheckpoint(new KMeansClassifier(o), checkpoint);
}

export function makeKnn(opts: ComponentOptions): Promise<KnnClassifier> {
  const { checkpoint, ...o } = parseOptions(KNN_SCHEMA, opts, 'classifier knn');
  return withCheckpoint(new KnnClassifier(o), checkpoint);
}

export function makeBackground(opts: ComponentOptions): BackgroundClassifier {
  return new BackgroundClassifier(parseOptions(BACKGROUND_SCHEMA, opts, 'classifier background'));
}
