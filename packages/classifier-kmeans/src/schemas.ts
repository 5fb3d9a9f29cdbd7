import { opt, v } from '@acseg/core';

/** Options the three classifiers share (method notes §5). */
const choice = {
  background: opt.bool('apply the attention background rule (false for label sets without background, e.g. COCO-Stuff-27); default true'),
  headReduce: opt.choice(['min', 'mean', 'max'], 'head reduction of the CLS attention (paper §3.5: min)'),
  regionReduce: opt.choice(['sum', 'mean'], 'per-region reduction of the foreground score (paper §3.5: sum)'),
  backgroundRule: opt.choice(['auto', 'attention', 'border'], 'auto: attention when the features carry it, else the border prior'),
};
const checkpoint = opt.string('fitted state to load (.safetensors)', undefined, 'a path');

export const BACKGROUND_SCHEMA = v.object(choice);
export const KMEANS_SCHEMA = v.object({
  ...choice,
  K: opt.int('clusters (eval: the number of classes, without background)', { min: 1 }),
  seed: opt.int('seed of k-means++', { min: -(2 ** 31) }),
  nInit: opt.int('k-means restarts', { min: 1 }),
  maxIterations: opt.int('Lloyd iterations at most', { min: 1 }),
  checkpoint,
});
export const KNN_SCHEMA = v.object({
  ...choice,
  K: opt.int('neighbours that vote', { min: 1 }),
  checkpoint,
});
