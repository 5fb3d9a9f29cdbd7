import type { ComponentOptions } from '@acseg/core';
import { ClusteringGenerator, FixedKGenerator, type CommonOptions } from './base.js';
import { affinityPropagation, type AffinityPropagationOptions } from './affinity-propagation.js';
import { kmeans, type KMeansOptions } from './kmeans.js';
import { AGGLOMERATIVE_SCHEMA, AP_SCHEMA, KMEANS_SCHEMA, readOptions, SPECTRAL_SCHEMA } from './schemas.js';
import type { Points } from './points.js';
import { spectralClustering, type AffinityOptions, type SpectralOptions } from './spectral.js';
import { wardClustering } from './ward.js';

export interface KMeansGeneratorOptions extends CommonOptions, Omit<KMeansOptions, 'seed'> {
  /** Number of clusters (default 5, the ACG's k; clamped to the patch count). */
  k?: number;
}

/** `--generator kmeans`: k-means++ and Lloyd, best of nInit, per image. */
export class KMeansGenerator extends FixedKGenerator<Omit<KMeansOptions, 'seed'>> {
  readonly name = 'kmeans';
  protected readonly method = kmeans;

  static fromOptions(options: ComponentOptions): KMeansGenerator {
    return new KMeansGenerator(readOptions(KMEANS_SCHEMA, options, 'kmeans'));
  }
}

export interface SpectralGeneratorOptions extends KMeansGeneratorOptions, AffinityOptions {}

/** `--generator spectral`: normalized affinity, k leading eigenvectors, k-means on the rows. */
export class SpectralGenerator extends FixedKGenerator<Omit<SpectralOptions, 'seed'>> {
  readonly name = 'spectral';
  protected readonly method = spectralClustering;

  static fromOptions(options: ComponentOptions): SpectralGenerator {
    return new SpectralGenerator(readOptions(SPECTRAL_SCHEMA, options, 'spectral'));
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
    return new AffinityPropagationGenerator(readOptions(AP_SCHEMA, options, 'ap'));
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
    return new AgglomerativeGenerator(readOptions(AGGLOMERATIVE_SCHEMA, options, 'agglomerative'));
  }

  protected cluster(points: Points): Int32Array {
    return wardClustering(points, Math.min(this.k, points.rows)).labels;
  }
}
