import { AcsegError, classMap, silentLogger, silentProgress, toAcsegError, type Backbone, type ClassifierContext, type ClassifyInput, type ConceptClassifier, type ConceptGenerator, type Logger, type ProgressFactory, type RegionLabel } from '@acseg/core';
import { ConfusionMatrix } from './confusion.js';
import type { Dataset } from './dataset.js';
import { applyAssignment, matchConfusion } from './hungarian.js';
import { meanStd, scoreConfusion } from './metrics.js';
import { checkAborted, segmentSplit, type SegmentedItem, type SegmentedSplit } from './prepare.js';
import { encodeClassMap, type EvalReport, type EvalSample, type MatchingMode, type SeedResult } from './report.js';

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
  /** Segmentations of `dataset` from `segmentSplit`, to reuse across protocols (segmenting is the costly part). */
  segmented?: SegmentedSplit;
  /** Segmentations of `train`, likewise. */
  trainSegmented?: SegmentedSplit;
  /** Protocol name for the report (default derived from the options). */
  protocol?: string;
  /** Row name in the paper table (default "ACSeg (ours)"). */
  method?: string;
  batchSize?: number;
  /** Images whose prediction and ground truth go into the report (default 4, the first items). */
  samples?: number;
  log?: Logger;
  progress?: ProgressFactory;
  signal?: AbortSignal;
}

export const DEFAULT_SEEDS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** Class map of one segmented item from its region labels; ids must be 0..254 (255 = unlabelled). */
function predictionMap(s: SegmentedItem, labels: RegionLabel[], classifier: string): Uint8Array {
  for (const l of labels) {
    if (!Number.isInteger(l.classId) || l.classId < 0 || l.classId > 255) {
      throw new AcsegError('PLUGIN_FAILED', `classifier ${classifier} gave region ${l.region} of ${s.item.id} class id ${l.classId}; ids must be 0..254 (255 = unlabelled)`, { plugin: classifier, stage: 'classify' });
    }
  }
  return classMap({ ...s.segmentation, labels });
}

/**
 * The paper's evaluation (Tables 1–4): segment the split once, then for
 * each seed build a classifier, fit it (on the split itself, or on `train`
 * with ground truth for k-NN), label every region, accumulate one confusion
 * matrix over the whole split at the label's resolution (void skipped),
 * match ids to classes, and score. Returns per-seed results and mean ± std.
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
  const common = { backbone, generator: options.generator, batchSize: options.batchSize, log, progress, signal: options.signal };
  const prepared = options.segmented ?? (await segmentSplit({ ...common, dataset }));
  const segmented = prepared.segmented;
  const skipped = [...prepared.skipped];
  if (segmented.length === 0) throw new AcsegError('BAD_DATASET', `no image of ${dataset.name} ${dataset.split} could be evaluated (${skipped.length} skipped)`, { hint: skipped[0]?.reason });
  let train: SegmentedItem[] | undefined;
  if (options.train) {
    const t = options.trainSegmented ?? (await segmentSplit({ ...common, dataset: options.train }));
    train = t.segmented;
    for (const s of t.skipped) skipped.push({ ...s, id: `${options.train.split}/${s.id}` });
    if (train.length === 0) throw new AcsegError('BAD_DATASET', `no image of ${options.train.name} ${options.train.split} could be used to fit`);
  }
  const context: ClassifierContext = { backbone, classNames: dataset.classNames, log, progress };
  const inputs: ClassifyInput[] = segmented.map((s) => ({ image: s.segmentation.image, features: s.segmentation.features, regions: s.segmentation.regions }));
  const nSamples = Math.min(options.samples ?? 4, segmented.length);
  const results: SeedResult[] = [];
  let classifierName = '';
  let samplePreds: Uint8Array[] = [];
  let firstAssignment: number[] = [];
  const seedBar = progress.start('evaluate seeds', seeds.length);
  try {
    for (const seed of seeds) {
      checkAborted(options.signal);
      const clf = await options.classifierFactory(seed);
      classifierName ||= clf.name;
      const fail = (e: unknown, what: string): AcsegError => toAcsegError(e, 'PLUGIN_FAILED', { stage: 'classify', plugin: clf.name, message: `classifier ${clf.name} failed to ${what} (seed ${seed})` });
      try {
        if (train) {
          if (!clf.fit) throw new AcsegError('BAD_CONFIG', `classifier ${clf.name} cannot be fitted, so it cannot do k-NN retrieval`);
          const trainInputs = train.map((s) => ({ image: s.segmentation.image, features: s.segmentation.features, regions: s.segmentation.regions }));
          await clf.fit(trainInputs, context, train.map((s) => s.label.data)).catch((e: unknown) => { throw fail(e, 'fit'); });
        } else if (clf.needs.fit && clf.fit) {
          await clf.fit(inputs, context).catch((e: unknown) => { throw fail(e, 'fit'); });
        }
        const cm = new ConfusionMatrix(dataset.classNames.length);
        const preds: Uint8Array[] = [];
        const step = Math.max(1, options.batchSize ?? 16);
        for (let s = 0; s < inputs.length; s += step) {
          checkAborted(options.signal);
          const labels = await clf.classify(inputs.slice(s, s + step), context).catch((e: unknown) => { throw fail(e, 'classify'); });
          if (labels.length !== Math.min(step, inputs.length - s)) throw new AcsegError('PLUGIN_FAILED', `classifier ${clf.name} returned ${labels.length} label lists for ${Math.min(step, inputs.length - s)} images`, { plugin: clf.name });
          labels.forEach((l, j) => {
            const item = segmented[s + j];
            const pred = predictionMap(item, l, clf.name);
            cm.add(item.label.data, pred, item.item.label);
            if (results.length === 0 && s + j < nSamples) preds.push(pred);
          });
        }
        const assignment = matchConfusion(cm, matching);
        const { confusion, missed } = applyAssignment(cm, assignment);
        const scores = scoreConfusion(confusion, missed);
        if (results.length === 0) { samplePreds = preds; firstAssignment = assignment; }
        results.push({ seed, mIoU: scores.mIoU, pixelAccuracy: scores.pixelAccuracy, perClassIoU: scores.perClassIoU, confusion, unmatched: missed, assignment });
        log.info(`seed ${seed}: mIoU ${scores.mIoU.toFixed(1)}, pixel accuracy ${scores.pixelAccuracy.toFixed(1)}`);
      } finally {
        await clf.dispose?.();
      }
      seedBar.update(results.length, { mIoU: results[results.length - 1].mIoU.toFixed(1) });
    }
  } finally {
    seedBar.stop();
  }

  const samples: EvalSample[] = [];
  for (let i = 0; i < samplePreds.length; i++) {
    const s = segmented[i];
    const lut = new Uint8Array(256).fill(255);
    firstAssignment.forEach((c, q) => { if (c >= 0) lut[q] = c; });
    const matched = samplePreds[i].map((q) => lut[q]);
    samples.push({
      id: s.item.id, image: s.item.image, transform: await dataset.imageTransform?.(s.item),
      width: s.label.width, height: s.label.height, seed: results[0].seed,
      prediction: encodeClassMap(matched), groundTruth: encodeClassMap(s.label.data),
    });
  }
  const C = dataset.classNames.length;
  const perClassIoU = Array.from({ length: C }, (_, c) => {
    const vals = results.map((r) => r.perClassIoU[c]).filter((v): v is number => v !== null);
    return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null;
  });
  const pixels = results[0].confusion.reduce((a, row) => a + row.reduce((x, y) => x + y, 0), 0) + results[0].unmatched.reduce((a, b) => a + b, 0);
  return {
    protocol: options.protocol ?? (train ? `k-NN retrieval (${classifierName})` : matching === 'none' ? `named classes (${classifierName})` : `unsupervised (${classifierName})`),
    method: options.method ?? 'ACSeg (ours)',
    dataset: dataset.name, split: dataset.split, classNames: [...dataset.classNames], hasBackground: dataset.hasBackground,
    matching, backbone: backbone.name, generator: options.generator.name, classifier: classifierName,
    images: segmented.length, pixels, seeds: results,
    mIoU: meanStd(results.map((r) => r.mIoU)), pixelAccuracy: meanStd(results.map((r) => r.pixelAccuracy)),
    perClassIoU, confusion: results[0].confusion, samples, skipped,
    date: new Date().toISOString(), seconds: (Date.now() - t0) / 1000,
  };
}
