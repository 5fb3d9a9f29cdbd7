import { opt, parseOptions, v, type ComponentOptions, type OptionsOf, type OptionsSchema } from '@acseg/core';

/** The affinity kinds of spectral clustering (spectral.ts). */
const AFFINITIES = ['cosine', 'rbf', 'knn'] as const;

const common = {
  normalize: opt.bool("scale each patch feature to unit L2 norm first (the ACG's cosine geometry)", true),
  seed: opt.int('seed of every random draw', { default: 0 }),
};
const kmeansCommon = {
  nInit: opt.int('k-means restarts, best inertia kept', { min: 1, default: 10 }),
  maxIter: opt.int('Lloyd iterations at most', { min: 1, default: 300 }),
  tol: opt.number('relative inertia change that stops Lloyd', { min: 0, default: 1e-4 }),
};
const k = opt.int("clusters per image (clamped to the patch count; 5: the ACG's k)", { min: 1, default: 5 });

export const KMEANS_SCHEMA = v.object({ ...common, ...kmeansCommon, k });
export const SPECTRAL_SCHEMA = v.object({
  ...common,
  ...kmeansCommon,
  k,
  affinity: opt.choice(AFFINITIES, 'patch affinity: max(0, cos), RBF or k-nearest-neighbour graph', 'cosine'),
  gamma: opt.number('RBF width', { gt: 0, default: 1 }),
  nNeighbors: opt.int('neighbours of the knn affinity', { min: 1, default: 10 }),
});
export const AP_SCHEMA = v.object({
  ...common,
  damping: opt.number('message damping', { min: 0.5, max: 0.999, default: 0.5 }),
  maxIter: opt.int('iterations at most', { min: 1, default: 200 }),
  convergenceIter: opt.int('iterations without change that stop it', { min: 1, default: 15 }),
  preference: opt.number('self-similarity (default: the median similarity)'),
});
export const AGGLOMERATIVE_SCHEMA = v.object({ ...common, k });

/** A generator's options from a flat CLI record, with its errors' wording. */
export function readOptions<S extends OptionsSchema>(schema: S, options: ComponentOptions, id: string): OptionsOf<S> {
  return parseOptions(schema, options, `generator "${id}"`, { hint: `see the @acseg/generator-clustering README for the options of "${id}"` });
}
