import {
  AcsegError,
  imageSource,
  silentLogger,
  type ClassifierContext,
  type ClassifierNeeds,
  type ClassifyInput,
  type ConceptClassifier,
  type RegionDigest,
  type RegionLabel,
} from '@acseg/core';
import { loadState, matrix, metaBool, saveState } from './checkpoint.js';
import { digestDim, embedDigests, regionDigest, type EmbedOptions } from './embed.js';
import { regionMajorityLabels } from './gt-labels.js';
import { checkChoice, checkInt, type BackgroundChoice } from './options.js';
import { dotRow, stack } from './vectors.js';

export interface KnnClassifierOptions extends BackgroundChoice {
  /** Neighbours that vote. Default 1 (Table 3 reports K = 1 and K = 5). */
  K?: number;
}

const FORMAT = 'acseg-knn/1';

export interface Neighbour {
  index: number;
  similarity: number;
}

/** The K most cosine-similar bank rows to a unit query, most similar first (ties: lower index). */
export function nearest(query: Float32Array, bank: Float32Array, rows: number, dim: number, K: number): Neighbour[] {
  const top: Neighbour[] = [];
  for (let i = 0; i < rows; i++) {
    const s = dotRow(query, bank, i, dim);
    if (top.length === K && s <= top[K - 1].similarity) continue;
    let at = top.length;
    while (at > 0 && top[at - 1].similarity < s) at--;
    top.splice(at, 0, { index: i, similarity: s });
    if (top.length > K) top.pop();
  }
  return top;
}

/**
 * Majority class of the neighbours (given most similar first); a tie
 * between classes goes to the one whose member comes first, i.e. the
 * nearest. Returns the class and the similarity of that class's nearest member.
 */
export function vote(neighbours: readonly Neighbour[], labels: Int32Array): { classId: number; similarity: number } {
  const counts = new Map<number, number>();
  for (const n of neighbours) counts.set(labels[n.index], (counts.get(labels[n.index]) ?? 0) + 1);
  const most = Math.max(...counts.values());
  const winner = neighbours.find((n) => counts.get(labels[n.index]) === most)!;
  return { classId: labels[winner.index], similarity: winner.similarity };
}

/** Said to a CLI user, who has no `fit()` to call: how to get a bank. */
function noBank(): AcsegError {
  return new AcsegError('BAD_INPUT', 'classifier knn labels regions by their nearest labelled examples (a memory bank), and it has none', {
    hint: 'give a saved bank with --set knn.checkpoint=FILE, or measure k-NN retrieval on a labelled dataset with `acseg eval --classifier knn` (it builds the bank from the train split)',
  });
}

/**
 * k-NN retrieval (Table 3, method notes §5): a memory bank of the train
 * split's foreground regions (L2-normalized embeddings), each labelled with
 * the ground-truth class that overlaps it most (0 and 255 ignored with
 * background, only 255 without); a region takes the label of its
 * cosine-nearest bank region (K = 1) or the majority of K. Background
 * regions by the attention rule → 0.
 *
 * `needs.fit` is false: the pipeline must not fit it on the images it
 * labels. Build the bank with `fit(trainInputs, context, trainLabels)` (the
 * evaluation does) or `load` a saved bank (option `checkpoint`).
 */
export class KnnClassifier implements ConceptClassifier {
  readonly name = 'knn';
  readonly needs: ClassifierNeeds = { regionEmbeddings: true, attention: true };
  readonly K: number;
  private readonly options: KnnClassifierOptions;
  private background: boolean;
  private bank?: { data: Float32Array; labels: Int32Array; rows: number; dim: number };

  constructor(options: KnnClassifierOptions = {}) {
    checkChoice(this.name, options);
    checkInt(this.name, 'K', options.K, 1);
    this.options = options;
    this.K = options.K ?? 1;
    this.background = options.background ?? true;
  }

  /** Bank size, once built or loaded. */
  get size(): number {
    return this.bank?.rows ?? 0;
  }

  private embedOptions(): EmbedOptions {
    const o = this.options;
    return { background: this.background, headReduce: o.headReduce, regionReduce: o.regionReduce, rule: o.backgroundRule };
  }

  async fit(inputs: readonly ClassifyInput[], context: ClassifierContext, labels?: readonly (Uint8Array | undefined)[]): Promise<void> {
    if (!inputs.length) throw new AcsegError('BAD_INPUT', 'classifier knn: no images to build the memory bank from');
    if (!labels)
      throw new AcsegError('BAD_INPUT', 'classifier knn needs ground-truth labels to build its memory bank', {
        hint: 'fit it on a labelled train split (acseg eval), or load a saved bank (option checkpoint: --set knn.checkpoint=FILE)',
      });
    if (labels.length !== inputs.length) throw new AcsegError('BAD_INPUT', `classifier knn: ${inputs.length} images but ${labels.length} label maps`);
    const digests = await embedDigests(inputs, context, this.embedOptions(), this.name);
    digests.forEach((d, i) => {
      const gt = labels[i];
      if (gt && d.foreground.length) d.groundTruth = regionMajorityLabels(inputs[i].regions, gt, this.background, imageSource(inputs[i].image, i));
    });
    await this.fitDigests(digests, context);
  }

  async classify(inputs: readonly ClassifyInput[], context: ClassifierContext): Promise<RegionLabel[][]> {
    this.built();
    return this.classifyDigests(await embedDigests(inputs, context, this.embedOptions(), this.name), context);
  }

  /** With `label`, the digest carries each region's majority class, for `fitDigests`. */
  digest(input: ClassifyInput, context: ClassifierContext, label?: Uint8Array): Promise<RegionDigest> {
    return regionDigest(input, context, this.embedOptions(), this.name, label);
  }

  /** The memory bank from labelled digests; a digest without `groundTruth` adds nothing. */
  async fitDigests(digests: readonly RegionDigest[], context: ClassifierContext): Promise<void> {
    const log = context.log ?? silentLogger;
    if (!digests.length) throw new AcsegError('BAD_INPUT', 'classifier knn: no images to build the memory bank from');
    digestDim(digests, this.name);
    const rows: Float32Array[] = [];
    const classes: number[] = [];
    let unlabelled = 0;
    for (const s of digests) {
      const majority = s.groundTruth;
      if (!majority) continue;
      s.foreground.forEach((region, j) => {
        if (majority[region] < 0) {
          unlabelled++;
          return;
        }
        rows.push(s.embeddings[j]);
        classes.push(majority[region]);
      });
    }
    if (!rows.length) {
      throw new AcsegError('BAD_INPUT', `classifier knn: none of the ${digests.length} images gives a labelled foreground region for the memory bank`, {
        hint: 'check that the labels match the images; without a background class pass --background false',
      });
    }
    if (unlabelled) log.info(`classifier knn: ${unlabelled} foreground regions overlap only ignored labels and stay out of the bank`);
    const dim = rows[0].length;
    this.bank = { data: stack(rows, dim), labels: Int32Array.from(classes), rows: rows.length, dim };
    log.info(`classifier knn: memory bank of ${rows.length} regions from ${digests.length} images`);
  }

  /** Before any long work: without a bank (built by `fit` with labels, or loaded) nothing can be labelled. */
  async check(): Promise<void> {
    if (!this.bank) throw noBank();
  }

  async classifyDigests(digests: readonly RegionDigest[], context: ClassifierContext): Promise<RegionLabel[][]> {
    const bank = this.built();
    const K = Math.min(this.K, bank.rows);
    return digests.map((s) => {
      const out: RegionLabel[] = Array.from({ length: s.regionCount }, (_, region) => ({ region, classId: 0 }));
      s.foreground.forEach((region, j) => {
        const q = s.embeddings[j];
        if (q.length !== bank.dim)
          throw new AcsegError('BAD_INPUT', `classifier knn: region embeddings are ${q.length}-d but the memory bank is ${bank.dim}-d`, {
            hint: 'build or load the bank with the same backbone',
          });
        const v = vote(nearest(q, bank.data, bank.rows, bank.dim, K), bank.labels);
        out[region] = { region, classId: v.classId, score: v.similarity };
      });
      const names = context.classNames;
      if (names) for (const l of out) if (names[l.classId] !== undefined) l.className = names[l.classId];
      return out;
    });
  }

  private built(): { data: Float32Array; labels: Int32Array; rows: number; dim: number } {
    if (!this.bank) throw noBank();
    return this.bank;
  }

  async save(path: string): Promise<void> {
    const bank = this.bank;
    if (!bank) throw new AcsegError('BAD_INPUT', `classifier knn: nothing to save to ${path}: no memory bank`, { file: path });
    await saveState(
      path,
      FORMAT,
      { bank: { shape: [bank.rows, bank.dim], data: bank.data }, labels: { shape: [bank.rows], data: bank.labels } },
      { background: String(this.background) },
    );
  }

  /** Loads a bank; its background setting replaces this instance's (the labels depend on it). */
  async load(path: string): Promise<void> {
    const st = await loadState(path, FORMAT);
    const m = matrix(st, 'bank', path);
    const labels = st.tensors.labels;
    if (!labels || !(labels.data instanceof Int32Array) || labels.shape.length !== 1 || labels.shape[0] !== m.rows) {
      throw new AcsegError('BAD_CHECKPOINT', `${path}: tensor "labels" must be ${m.rows} int32 class ids`, { file: path });
    }
    if (labels.data.some((c) => c < 0 || c > 254))
      throw new AcsegError('BAD_CHECKPOINT', `${path}: tensor "labels" holds a class id outside 0..254`, { file: path });
    this.background = metaBool(st, 'background', path);
    this.bank = { data: m.data, labels: labels.data, rows: m.rows, dim: m.dim };
  }
}
