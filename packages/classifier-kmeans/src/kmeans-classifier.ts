import {
  AcsegError,
  silentLogger,
  type ClassifierContext,
  type ClassifierNeeds,
  type ClassifyInput,
  type ConceptClassifier,
  type RegionDigest,
  type RegionLabel,
  type RowReader,
} from '@acseg/core';
import { loadState, matrix, metaBool, metaInt, saveState } from './checkpoint.js';
import { digestDim, embedDigests, regionDigest, type EmbedOptions } from './embed.js';
import { kmeans } from '@acseg/generator-clustering';
import { checkChoice, checkInt, type BackgroundChoice } from './options.js';
import { dotRow, squaredDistance, stack } from './vectors.js';

export interface KMeansClassifierOptions extends BackgroundChoice {
  /** Clusters. Default 20 with background (VOC), 27 without (COCO-Stuff-27): method notes §5. */
  K?: number;
  /** k-means++ seed. Default 0; the paper's protocol runs 10 seeds. */
  seed?: number;
  /** k-means++ restarts, best inertia kept. Default 1 (one run per seed). */
  nInit?: number;
  /** Lloyd iterations at most. Default 300. */
  maxIterations?: number;
}

const FORMAT = 'acseg-kmeans/1';

/**
 * Paper §3.5 / Tables 1–2: the foreground regions of the whole image set
 * (background by the attention rule) are embedded by the backbone
 * (L2-normalized) and clustered by k-means; a region's class is its nearest
 * centroid + 1, background 0. Without background (COCO-Stuff-27) every
 * region is clustered and the class is the centroid index itself.
 */
export class KMeansClassifier implements ConceptClassifier {
  readonly name = 'kmeans';
  readonly needs: ClassifierNeeds = { regionEmbeddings: true, attention: true, fit: true };
  private readonly options: KMeansClassifierOptions;
  private background: boolean;
  private state?: { centroids: Float32Array; k: number; dim: number };

  constructor(options: KMeansClassifierOptions = {}) {
    checkChoice(this.name, options);
    checkInt(this.name, 'K', options.K, 1);
    checkInt(this.name, 'seed', options.seed, -(2 ** 31));
    checkInt(this.name, 'nInit', options.nInit, 1);
    checkInt(this.name, 'maxIterations', options.maxIterations, 1);
    this.options = options;
    this.background = options.background ?? true;
  }

  /** Clusters asked for. */
  get K(): number {
    return this.options.K ?? (this.background ? 20 : 27);
  }

  /** Centroids actually found (k × dim), once fitted or loaded. */
  get centroids(): { data: Float32Array; k: number; dim: number } | undefined {
    return this.state && { data: this.state.centroids, k: this.state.k, dim: this.state.dim };
  }

  private embedOptions(): EmbedOptions {
    const o = this.options;
    return { background: this.background, headReduce: o.headReduce, regionReduce: o.regionReduce, rule: o.backgroundRule };
  }

  async fit(inputs: readonly ClassifyInput[], context: ClassifierContext): Promise<void> {
    if (!inputs.length) throw new AcsegError('BAD_INPUT', 'classifier kmeans: no images to fit on');
    await this.fitDigests(await embedDigests(inputs, context, this.embedOptions(), this.name), context);
  }

  async classify(inputs: readonly ClassifyInput[], context: ClassifierContext): Promise<RegionLabel[][]> {
    this.fitted();
    return this.classifyDigests(await embedDigests(inputs, context, this.embedOptions(), this.name));
  }

  digest(input: ClassifyInput, context: ClassifierContext): Promise<RegionDigest> {
    return regionDigest(input, context, this.embedOptions(), this.name);
  }

  async fitDigests(digests: readonly RegionDigest[], context: ClassifierContext): Promise<void> {
    if (!digests.length) throw new AcsegError('BAD_INPUT', 'classifier kmeans: no images to fit on');
    digestDim(digests, this.name);
    const rows = digests.flatMap((s) => s.embeddings);
    const dim = rows[0]?.length ?? 0;
    this.fitMatrix({ rows: rows.length, cols: dim, data: stack(rows, dim) }, digests.length, context);
  }

  /** The same fit from the embeddings as rows read a block at a time (a two-pass run's digests on disk). */
  async fitRows(rows: RowReader, images: number, context: ClassifierContext): Promise<void> {
    if (!images) throw new AcsegError('BAD_INPUT', 'classifier kmeans: no images to fit on');
    this.fitMatrix(rows, images, context);
  }

  private fitMatrix(points: RowReader | { rows: number; cols: number; data: Float32Array }, images: number, context: ClassifierContext): void {
    const log = context.log ?? silentLogger;
    if (!points.rows) {
      throw new AcsegError('BAD_INPUT', `classifier kmeans: none of the ${images} images has a foreground region to cluster`, {
        hint: 'every region was classed as background; try --background false or another background rule',
      });
    }
    // The project's one k-means (scikit-learn's, in @acseg/generator-clustering), on the float32 rows as they are.
    const maxIter = this.options.maxIterations ?? 300;
    const result = kmeans(points, this.K, {
      seed: this.options.seed ?? 0,
      nInit: this.options.nInit ?? 1,
      maxIter,
      distinct: true,
    });
    if (result.k < this.K)
      log.warn(`classifier kmeans: only ${result.k} distinct region embeddings among ${points.rows}; using ${result.k} clusters instead of ${this.K}`);
    if (result.iterations >= maxIter) log.warn(`classifier kmeans: k-means stopped at maxIterations (${maxIter}) before it converged`);
    log.info(
      `classifier kmeans: ${points.rows} regions of ${images} images → ${result.k} clusters (inertia ${result.inertia.toFixed(4)}, ${result.iterations} iterations)`,
    );
    this.state = { centroids: Float32Array.from(result.centroids), k: result.k, dim: points.cols };
  }

  async classifyDigests(digests: readonly RegionDigest[]): Promise<RegionLabel[][]> {
    const state = this.fitted();
    const offset = this.background ? 1 : 0;
    const norms = Array.from({ length: state.k }, (_, c) =>
      Math.sqrt(dotRow(state.centroids.subarray(c * state.dim, (c + 1) * state.dim), state.centroids, c, state.dim)),
    );
    return digests.map((s) => {
      const labels: RegionLabel[] = Array.from({ length: s.regionCount }, (_, region) => ({ region, classId: 0 }));
      s.foreground.forEach((region, j) => {
        const e = s.embeddings[j];
        if (e.length !== state.dim)
          throw new AcsegError('BAD_INPUT', `classifier kmeans: region embeddings are ${e.length}-d but the centroids are ${state.dim}-d`, {
            hint: 'fit or load with the same backbone',
          });
        let best = 0;
        let bestD = Infinity;
        for (let c = 0; c < state.k; c++) {
          const d = squaredDistance(e, state.centroids, c, state.dim);
          if (d < bestD) {
            bestD = d;
            best = c;
          }
        }
        labels[region] = { region, classId: best + offset, score: dotRow(e, state.centroids, best, state.dim) / (norms[best] || 1) };
      });
      return labels;
    });
  }

  private fitted(): { centroids: Float32Array; k: number; dim: number } {
    if (!this.state)
      throw new AcsegError('BAD_INPUT', 'classifier kmeans is not fitted', {
        hint: 'fit it on the image set first (acseg run does), or load a saved one (--set kmeans.checkpoint=FILE)',
      });
    return this.state;
  }

  async save(path: string): Promise<void> {
    const state = this.state;
    if (!state) throw new AcsegError('BAD_INPUT', `classifier kmeans: nothing to save to ${path}: not fitted`, { file: path });
    await saveState(
      path,
      FORMAT,
      { centroids: { shape: [state.k, state.dim], data: state.centroids } },
      {
        background: String(this.background),
        K: String(this.K),
        seed: String(this.options.seed ?? 0),
      },
    );
  }

  /** Loads centroids; the checkpoint's background setting replaces this instance's (class ids depend on it). */
  async load(path: string): Promise<void> {
    const st = await loadState(path, FORMAT);
    const m = matrix(st, 'centroids', path);
    metaInt(st, 'K', path, 1);
    this.background = metaBool(st, 'background', path);
    this.state = { centroids: m.data, k: m.rows, dim: m.dim };
  }
}
