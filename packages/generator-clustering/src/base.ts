import { patchCount, toAcsegError, validateFeatureMap, type ConceptAssignment, type ConceptGenerator, type FeatureMap } from '@acseg/core';
import { softAssignment } from './assignment.js';
import { compactLabels, tokensToPoints, type Points } from './points.js';

/** Options every clustering generator shares. */
export interface CommonOptions {
  /** Scale each patch feature to unit L2 norm before clustering (default true: the ACG's cosine geometry). */
  normalize?: boolean;
  /** Seed of every random draw (default 0). */
  seed?: number;
}

/**
 * A clustering baseline as a ConceptGenerator: per image, cluster the n patch
 * features, then return S = cos(patch, cluster mean) with each patch's own
 * cluster guaranteed to be its row argmax (see softAssignment). Needs no fit.
 */
export abstract class ClusteringGenerator implements ConceptGenerator {
  abstract readonly name: string;
  readonly ready = true;
  readonly normalize: boolean;
  readonly seed: number;
  /** Running counts: images clustered, patches, and patches whose own-cluster score was lifted (see softAssignment). */
  readonly stats = { images: 0, patches: 0, lifted: 0 };

  constructor(options: CommonOptions) {
    this.normalize = options.normalize ?? true;
    this.seed = options.seed ?? 0;
  }

  /** Hard labels of the rows of `points` (any integers; empty ids are dropped). */
  protected abstract cluster(points: Points): Int32Array;

  async generate(features: readonly FeatureMap[]): Promise<ConceptAssignment[]> {
    return features.map((f) => this.generateOne(f));
  }

  /** The synchronous work for one image (exported for benchmarks). */
  generateOne(f: FeatureMap): ConceptAssignment {
    validateFeatureMap(f);
    const n = patchCount(f);
    const points = tokensToPoints(f.tokens, n, f.dim, this.normalize);
    let labels: Int32Array;
    try {
      labels = this.cluster(points);
    } catch (e) {
      throw toAcsegError(e, 'NUMERIC', { message: `${f.source ?? f.id}: ${this.name} clustering failed`, file: f.source, stage: 'generate' });
    }
    const k = compactLabels(labels);
    const s = softAssignment(points, labels, k);
    this.stats.images++;
    this.stats.patches += n;
    this.stats.lifted += s.lifted;
    return { id: f.id, k, assignment: s.assignment, concepts: s.concepts };
  }
}

/** A generator that cuts at a fixed k (default 5) with its method and that method's own options; normalize and seed are the base's. */
export abstract class FixedKGenerator<O extends object> extends ClusteringGenerator {
  readonly k: number;
  readonly options: O;
  /** The clustering method: labels of the points in k clusters. */
  protected abstract readonly method: (points: Points, k: number, options: O & { seed: number }) => { labels: Int32Array };

  constructor(options: CommonOptions & { k?: number } & O = {} as O) {
    super(options);
    const { k = 5, normalize: _n, seed: _s, ...rest } = options;
    this.k = k;
    this.options = rest as O;
  }

  protected cluster(points: Points): Int32Array {
    return this.method(points, Math.min(this.k, points.rows), { ...this.options, seed: this.seed }).labels;
  }
}
