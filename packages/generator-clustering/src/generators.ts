import type { ComponentOptions } from '@acseg/core';
import { ClusteringGenerator, type CommonOptions } from './base.js';
import { affinityPropagation, type AffinityPropagationOptions } from './affinity-propagation.js';
import { kmeans, type KMeansOptions } from './kmeans.js';
import { OptionReader } from './options.js';
import type { Points } from './points.js';
import { AFFINITY_KINDS, spectralClustering, type AffinityOptions, type SpectralOptions } from './spectral.js';
import { wardClustering } from './ward.js';

function common(r: OptionReader): CommonOptions {
  return { normalize: r.boolean('normalize', true), seed: r.number('seed', 0, { integer: true }) };
}

function kmeansOptions(r: OptionReader): Omit<KMeansOptions, 'seed'> {
  return {
    nInit: r.number('nInit', 10, { integer: true, min: 1 }),
    maxIter: r.number('maxIter', 300, { integer: true, min: 1 }),
    tol: r.number('tol', 1e-4, { min: 0 }),
  };
}

export interface KMeansGeneratorOptions extends CommonOptions, Omit<KMeansOptions, 'seed'> {
  /** Number of clusters (default 5, the ACG's k; clamped to the patch count). */
  k?: number;
}

/** `--generator kmeans`: k-means++ and Lloyd, best of nInit, per image. */
export class KMeansGenerator extends ClusteringGenerator {
  readonly name = 'kmeans';
  readonly k: number;
  readonly options: Omit<KMeansOptions, 'seed'>;

  constructor(options: KMeansGeneratorOptions = {}) {
    super(options);
    const { k = 5, normalize: _n, seed: _s, ...rest } = options;
    this.k = k;
    this.options = rest;
  }

  static fromOptions(options: ComponentOptions): KMeansGenerator {
    const r = new OptionReader(options, 'kmeans');
    return new KMeansGenerator({ ...common(r), ...kmeansOptions(r), k: r.number('k', 5, { integer: true, min: 1 }) });
  }

  protected cluster(points: Points): Int32Array {
    return kmeans(points, Math.min(this.k, points.rows), { ...this.options, seed: this.seed }).labels;
  }
}

export interface SpectralGeneratorOptions extends KMeansGeneratorOptions, AffinityOptions {}

/** `--generator spectral`: normalized affinity, k leading eigenvectors, k-means on the rows. */
export class SpectralGenerator extends ClusteringGenerator {
  readonly name = 'spectral';
  readonly k: number;
  readonly options: Omit<SpectralOptions, 'seed'>;

  constructor(options: SpectralGeneratorOptions = {}) {
    super(options);
    const { k = 5, normalize: _n, seed: _s, ...rest } = options;
    this.k = k;
    this.options = rest;
  }

  static fromOptions(options: ComponentOptions): SpectralGenerator {
    const r = new OptionReader(options, 'spectral');
    return new SpectralGenerator({
      ...common(r),
      ...kmeansOptions(r),
      k: r.number('k', 5, { integer: true, min: 1 }),
      affinity: r.choice('affinity', 'cosine', AFFINITY_KINDS),
      gamma: r.number('gamma', 1, { min: 0, exclusiveMin: true }),
      nNeighbors: r.number('nNeighbors', 10, { integer: true, min: 1 }),
    });
  }

  protected cluster(points: Points): Int32Array {
    return spectralClustering(points, Math.min(this.k, points.rows), { ...this.options, seed: this.seed }).labels;
  }
}

export interface AffinityPropagationGeneratorOptions extends CommonOptions, Omit<AffinityPropagationOptions, 'seed'> {}

/** `--generator ap`: affinity propagation; the number of clusters is the method's own. */
export class AffinityPropagationGenerator extends ClusteringGenerator {
  readonly name = 'ap';
  readonly options: Omit<AffinityPropagationOptions, 'seed'>;

  constructor(options: AffinityPropagationGeneratorOptions = {}) {
    super(options);
    const { normalize: _n, seed: _s, ...rest } = options;
    this.options = rest;
  }

  static fromOptions(options: ComponentOptions): AffinityPropagationGenerator {
    const r = new OptionReader(options, 'ap');
    const preference = options.preference === undefined || options.preference === '' ? undefined : r.number('preference', 0);
    return new AffinityPropagationGenerator({
      ...common(r),
      damping: r.number('damping', 0.5, { min: 0.5, max: 0.999 }),
      maxIter: r.number('maxIter', 200, { integer: true, min: 1 }),
      convergenceIter: r.number('convergenceIter', 15, { integer: true, min: 1 }),
      preference,
    });
  }

  protected cluster(points: Points): Int32Array {
    return affinityPropagation(points, { ...this.options, seed: this.seed }).labels;
  }
}

export interface AgglomerativeGeneratorOptions extends CommonOptions {
  /** Number of clusters (default 5; clamped to the patch count). */
  k?: number;
}

/** `--generator agglomerative`: Ward linkage cut at k clusters (deterministic; seed unused). */
export class AgglomerativeGenerator extends ClusteringGenerator {
  readonly name = 'agglomerative';
  readonly k: number;

  constructor(options: AgglomerativeGeneratorOptions = {}) {
    super(options);
    this.k = options.k ?? 5;
  }

  static fromOptions(options: ComponentOptions): AgglomerativeGenerator {
    const r = new OptionReader(options, 'agglomerative');
    return new AgglomerativeGenerator({ ...common(r), k: r.number('k', 5, { integer: true, min: 1 }) });
  }

  protected cluster(points: Points): Int32Array {
    return wardClustering(points, Math.min(this.k, points.rows)).labels;
  }
}
