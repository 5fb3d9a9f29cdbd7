import {
  AcsegError,
  isAcsegError,
  silentLogger,
  silentProgress,
  toAcsegError,
  type Backbone,
  type ClassifierContext,
  type ConceptClassifier,
  type ConceptGenerator,
  type Logger,
  type ProgressFactory,
} from '@acseg/core';
import { ConfusionMatrix } from './confusion.js';
import type { Dataset } from './dataset.js';
import { applyAssignment, matchConfusion } from './hungarian.js';
import { meanStd, scoreConfusion } from './metrics.js';
import { checkAborted, type SegmentedItem } from './prepare.js';
import { inputOf, prepareSplit, type PreparedItem, type PreparedSplit } from './prepared.js';
import { type EvalReport, type EvalSample, type MatchingMode, type SeedResult, type SkippedItem } from './report.js';
import { majorityBaseline, RegionOracle, type BaselineResult } from './baseline.js';
import { perImageMIoU, pickSamples, sampleMaps, type PickedItem } from './samples.js';
import { allItems, IdsList, type PreparedStoreFactory } from './prepared-store.js';
import { checkCount, regionIds } from './region-ids.js';

export interface ProtocolOptions {
  /** The evaluated split. */
  dataset: Dataset;
  backbone: Backbone;
  generator: ConceptGenerator;
  /** A fresh classifier per seed (k-means seeds its initialisation with it). */
  classifierFactory: (seed: number) => ConceptClassifier | Promise<ConceptClassifier>;
  /** Default 0..9 (the paper runs k-means ten times and reports mean ± std). */
  seeds?: readonly number[];
  /** Default "pixels" (Hungarian on pixel counts); "none" when the classifier names classes. */
  matching?: MatchingMode;
  /**
   * k-NN retrieval: the classifier is fitted on this split's segmentations
   * with their ground-truth label maps (`fit(inputs, ctx, labels)`), then
   * classifies the evaluated split.
   */
  train?: Dataset;
  /**
   * `dataset` already passed through `prepareSplit` with digests of a
   * classifier of the same name and options, to reuse across protocols
   * (segmenting is the costly part). Used only when the classifier digests.
   */
  prepared?: PreparedSplit;
  /** `train` likewise, prepared `labelled`. */
  trainPrepared?: PreparedSplit;
  /** Protocol name for the report (default derived from the options). */
  protocol?: string;
  /** Row name in the paper table (default "ACSeg (ours)"). */
  method?: string;
  batchSize?: number;
  /** Images whose prediction and ground truth go into the report (default 8: half spread over the split, a quarter each the worst and best by per-image mIoU of the first seed). */
  samples?: number;
  log?: Logger;
  progress?: ProgressFactory;
  signal?: AbortSignal;
  /** Decode once (default true; see `SegmentSplitOptions.decode`): false for a feature cache whose images nothing reads. */
  decode?: boolean;
  /** Decoded images alive at once at most (see `SegmentSplitOptions.maxDecoded`; default 24). */
  maxDecoded?: number;
  /**
   * Where the splits prepared here keep their items until the seeds have read them (default in memory; the CLI's on
   * disk, so memory does not grow with the split). Closed at the end.
   */
  store?: PreparedStoreFactory;
}

export const DEFAULT_SEEDS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** A classifier that can run on digests alone. */
export function digests(c: ConceptClassifier): boolean {
  return !!(c.digest && c.classifyDigests && (!c.fit || c.fitDigests));
}

/** A prepared split this classifier can use: its own digests, or held inputs for one without digests. */
function usable(split: PreparedSplit | undefined, streams: boolean, classifier: ConceptClassifier): PreparedSplit | undefined {
  if (!split) return undefined;
  // Labelled as it went by a classifier of this name (CLIP shards): the ids are the labels.
  if (!streams && !classifier.needs.fit && split.labelledBy === classifier.name) return split;
  if (streams) return split.digestedBy === classifier.name ? split : undefined;
  return split.held ? split : undefined;
}

/**
 * Fits one classifier on a prepared split: from the digests' rows read a block at a time when it can (`fitRows`, the
 * same fit as from the digests), else from every digest, or from the held inputs (with their ground truth for k-NN).
 */
async function fitOn(clf: ConceptClassifier, split: PreparedSplit, streams: boolean, context: ClassifierContext, labelled: boolean): Promise<void> {
  if (streams && clf.fitRows && !labelled) return clf.fitRows(await split.items.rows(), split.items.length, context);
  const items = await allItems(split.items);
  if (streams)
    return clf.fitDigests!(
      items.map((it) => it.digest!),
      context,
    );
  const inputs = items.map((it) => it.held!.input);
  return labelled
    ? clf.fit!(
        inputs,
        context,
        items.map((it) => it.held!.label),
      )
    : clf.fit!(inputs, context);
}

/**
 * The paper's evaluation (Tables 1–4), streaming: one pass segments the
 * split and keeps per image its region × class pixel counts and the
 * classifier's digest (region embeddings); then for each seed the
 * classifier is fitted (on the split's digests, or on `train`'s labelled
 * digests for k-NN), labels every region, and the confusion matrix is
 * summed from the counts (void skipped), ids are matched to classes and
 * scored. Exactly the numbers of a per-pixel confusion over the whole split.
 * Classifiers without digests label each batch while it is in memory
 * (CLIP), or, when they must fit on the set, are given the held inputs.
 */
export async function runProtocol(options: ProtocolOptions): Promise<EvalReport> {
  const t0 = Date.now();
  const log = options.log ?? silentLogger;
  const progress = options.progress ?? silentProgress;
  const { dataset, backbone } = options;
  const seeds = options.seeds ?? DEFAULT_SEEDS;
  const matching = options.matching ?? 'pixels';
  if (seeds.length === 0) throw new AcsegError('BAD_CONFIG', 'no seeds to evaluate');
  if (dataset.classNames.length === 0) throw new AcsegError('BAD_DATASET', `dataset ${dataset.name} has an empty class list`);
  if (!options.generator.ready) throw new AcsegError('BAD_CONFIG', `generator ${options.generator.name} is not ready: fit or load it before evaluating`);
  const context: ClassifierContext = { backbone, classNames: dataset.classNames, log, progress };
  const quiet: ClassifierContext = { backbone, classNames: dataset.classNames, log };
  const common = {
    backbone,
    generator: options.generator,
    batchSize: options.batchSize,
    log,
    progress,
    signal: options.signal,
    context: quiet,
    decode: options.decode,
    maxDecoded: options.maxDecoded,
  };
  const step = Math.max(1, options.batchSize ?? 16);
  const nSamples = options.samples ?? 8;
  const C = dataset.classNames.length;
  const classifiers: ConceptClassifier[] = [];
  const results: SeedResult[] = [];
  const skipped: SkippedItem[] = [];
  // The splits prepared here (not passed in), whose stores are closed at the end.
  const own: PreparedSplit[] = [];
  let prepared: PreparedSplit;
  let samples!: EvalSample[];
  let oracle!: BaselineResult;
  let images!: number;
  try {
    for (const seed of seeds) classifiers.push(await options.classifierFactory(seed));
    const first = classifiers[0];
    const fail = (e: unknown, what: string, seed?: number): AcsegError =>
      toAcsegError(e, 'PLUGIN_FAILED', {
        stage: 'classify',
        plugin: first.name,
        message: `classifier ${first.name} failed to ${what}${seed === undefined ? '' : ` (seed ${seed})`}`,
      });
    const streams = digests(first);
    const digester = streams ? first : undefined;

    if (options.train) {
      if (!first.fit && !first.fitDigests) throw new AcsegError('BAD_CONFIG', `classifier ${first.name} cannot be fitted, so it cannot do k-NN retrieval`);
      let train = usable(options.trainPrepared, streams, first);
      if (!train) {
        train = await prepareSplit({ ...common, dataset: options.train, digester, labelled: true, hold: !streams, store: options.store }).catch(
          (e: unknown) => {
            throw fail(e, 'digest the train split');
          },
        );
        own.push(train);
      }
      for (const s of train.skipped) skipped.push({ ...s, id: `${options.train.split}/${s.id}` });
      if (train.items.length === 0) throw new AcsegError('BAD_DATASET', `no image of ${options.train.name} ${options.train.split} could be used to fit`);
      for (const [i, clf] of classifiers.entries()) {
        checkAborted(options.signal);
        await fitOn(clf, train, streams, context, true).catch((e: unknown) => {
          throw fail(e, 'fit', seeds[i]);
        });
      }
    }

    // Fitted on the evaluated split itself (k-means): digests, or the held inputs.
    const setFit = !options.train && !!first.needs.fit && !!(first.fit || first.fitDigests);
    const reuse = usable(options.prepared, streams, first);
    const inline = !streams && !setFit && !reuse;
    if (!streams && setFit) log.info(`classifier ${first.name} has no digests: the split's images, features and maps stay in memory for its fit`);
    // Classifiers that label as they go (CLIP, k-NN after its bank, plugins): per seed, per item, region ids.
    const inlineIds = classifiers.map(() => new IdsList());
    const onBatch = inline
      ? async (batch: readonly SegmentedItem[], items: readonly PreparedItem[]): Promise<void> => {
          for (const [i, clf] of classifiers.entries()) {
            const labels = await clf.classify(batch.map(inputOf), quiet).catch((e: unknown) => {
              throw fail(e, 'classify', seeds[i]);
            });
            checkCount(labels, batch.length, clf.name);
            labels.forEach((l, j) => {
              inlineIds[i].push(regionIds(items[j].counts.regionCount, l, clf.name, items[j].id));
            });
          }
        }
      : undefined;
    if (reuse) prepared = reuse;
    else {
      prepared = await prepareSplit({ ...common, dataset, digester, hold: setFit && !streams, onBatch, store: options.store }).catch((e: unknown) => {
        throw isAcsegError(e) && e.code === 'INTERRUPTED' ? e : fail(e, 'label the split');
      });
      own.push(prepared);
    }
    skipped.unshift(...prepared.skipped);
    const store = prepared.items;
    images = store.length;
    if (store.length === 0)
      throw new AcsegError('BAD_DATASET', `no image of ${dataset.name} ${dataset.split} could be evaluated (${skipped.length} skipped)`, {
        hint: skipped[0]?.reason,
      });

    // The first seed's region ids, for the report's per-image scores and pictures.
    let firstIds = new IdsList();
    const seedBar = progress.start('evaluate seeds', seeds.length);
    try {
      for (const [i, clf] of classifiers.entries()) {
        checkAborted(options.signal);
        const seed = seeds[i];
        const keep = i === 0 ? firstIds : undefined;
        const cm = new ConfusionMatrix(C);
        if (inline || reuse?.labelledBy) {
          // Labelled already (as the split was prepared): the counts are read with their ids.
          let j = 0;
          for await (const chunk of store.chunks(step, { digests: false })) {
            checkAborted(options.signal);
            for (const it of chunk) {
              const ids = inline ? inlineIds[i].get(j) : it.ids;
              if (!ids) throw new AcsegError('BAD_INPUT', `${it.id}: no region ids from ${reuse!.labelledBy} in the prepared split`);
              cm.addRegions(it.counts, ids, it.id);
              keep?.push(ids);
              j++;
            }
          }
        } else {
          if (setFit)
            await fitOn(clf, prepared, streams, context, false).catch((e: unknown) => {
              throw fail(e, 'fit', seed);
            });
          for await (const chunk of store.chunks(step)) {
            checkAborted(options.signal);
            const labels = streams
              ? await clf.classifyDigests!(
                  chunk.map((it) => it.digest!),
                  quiet,
                ).catch((e: unknown) => {
                  throw fail(e, 'classify', seed);
                })
              : await clf
                  .classify(
                    chunk.map((it) => it.held!.input),
                    quiet,
                  )
                  .catch((e: unknown) => {
                    throw fail(e, 'classify', seed);
                  });
            checkCount(labels, chunk.length, clf.name);
            labels.forEach((l, j) => {
              const ids = regionIds(chunk[j].counts.regionCount, l, clf.name, chunk[j].id);
              cm.addRegions(chunk[j].counts, ids, chunk[j].id);
              keep?.push(ids);
            });
          }
        }
        const assignment = matchConfusion(cm, matching);
        const { confusion, missed } = applyAssignment(cm, assignment);
        const scores = scoreConfusion(confusion, missed);
        results.push({
          seed,
          mIoU: scores.mIoU,
          pixelAccuracy: scores.pixelAccuracy,
          perClassIoU: scores.perClassIoU,
          confusion,
          unmatched: missed,
          assignment,
        });
        log.info(`seed ${seed}: mIoU ${scores.mIoU.toFixed(1)}, pixel accuracy ${scores.pixelAccuracy.toFixed(1)}`);
        seedBar.update(results.length, { mIoU: scores.mIoU.toFixed(1) });
      }
    } finally {
      seedBar.stop();
    }
    // Informative pictures: spread over the split, and the worst and best images by their own mIoU (first seed).
    const firstAssignment = results[0].assignment;
    const scores: number[] = [];
    const regionOracle = new RegionOracle(C);
    let j = 0;
    for await (const chunk of store.chunks(step, { digests: false })) {
      for (const it of chunk) {
        scores.push(perImageMIoU([it], [firstIds.get(j++)], firstAssignment, C)[0]);
        regionOracle.add(it.counts);
      }
    }
    oracle = regionOracle.result();
    const picks = new Map(pickSamples(scores, nSamples).map((p) => [p.index, p.pick]));
    const picked: PickedItem[] = [];
    j = 0;
    for await (const chunk of store.chunks(step, { digests: false })) {
      for (const it of chunk) {
        const pick = picks.get(j);
        if (pick) picked.push({ index: j, pick, id: it.id, regionCount: it.counts.regionCount, ids: firstIds.get(j).slice(), mIoU: scores[j] });
        j++;
      }
    }
    firstIds = new IdsList();
    // pickSamples's order: spread first (split order), then worst, then best.
    const order = [...picks.keys()];
    picked.sort((a, b) => order.indexOf(a.index) - order.indexOf(b.index));
    samples = await sampleMaps({ ...common, dataset }, picked, firstAssignment, results[0].seed);
  } finally {
    for (const clf of classifiers) await clf.dispose?.();
    for (const split of own) await split.items.close();
  }
  const classifierName = classifiers[0].name;
  const train = options.train;
  const perClassIoU = Array.from({ length: C }, (_, c) => {
    const vals = results.map((r) => r.perClassIoU[c]).filter((v): v is number => v !== null);
    return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null;
  });
  const gtPixels = results[0].confusion.map((row, g) => row.reduce((x, y) => x + y, 0) + results[0].unmatched[g]);
  const pixels = gtPixels.reduce((a, b) => a + b, 0);
  return {
    protocol:
      options.protocol ??
      (train ? `k-NN retrieval (${classifierName})` : matching === 'none' ? `named classes (${classifierName})` : `unsupervised (${classifierName})`),
    method: options.method ?? 'ACSeg (ours)',
    dataset: dataset.name,
    split: dataset.split,
    classNames: [...dataset.classNames],
    hasBackground: dataset.hasBackground,
    matching,
    backbone: backbone.name,
    generator: options.generator.name,
    classifier: classifierName,
    images,
    pixels,
    seeds: results,
    mIoU: meanStd(results.map((r) => r.mIoU)),
    pixelAccuracy: meanStd(results.map((r) => r.pixelAccuracy)),
    perClassIoU,
    confusion: results[0].confusion,
    samples,
    baselines: [majorityBaseline(gtPixels, dataset.classNames), oracle],
    skipped,
    date: new Date().toISOString(),
    seconds: (Date.now() - t0) / 1000,
  };
}
