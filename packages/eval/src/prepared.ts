import { classifyInput, type ClassifierContext, type ClassifyInput, type ConceptClassifier, type RegionDigest } from '@acseg/core';
import { segmentItems, type SegmentedItem, type SegmentSplitOptions } from './prepare.js';
import { regionClassCounts, type RegionClassCounts } from './region-counts.js';
import { checkCount, regionIds } from './region-ids.js';
import type { SkippedItem } from './report.js';
import { memoryPreparedStore, type PreparedStore, type PreparedStoreFactory } from './prepared-store.js';

/** What an evaluation keeps of one image after its pass: counts and a digest, not maps. */
export interface PreparedItem {
  id: string;
  counts: RegionClassCounts;
  /** The digesting classifier's digest (with ground truth when the split was prepared `labelled`). */
  digest?: RegionDigest;
  /** The whole input, only for a classifier that must see the set and cannot digest (memory grows). */
  held?: { input: ClassifyInput; label: Uint8Array };
  /** Each region's class id (255 = none) from the split's `labeller`: a classifier that labels as it goes (CLIP). */
  ids?: Uint8Array;
}

export interface PreparedSplit {
  dataset: string;
  split: string;
  /** The items, in the split's order (in memory, or on disk with `PrepareOptions.store`). */
  items: PreparedStore;
  /** Every item holds its whole input (`PrepareOptions.hold`). */
  held?: boolean;
  /** The first `samples` items in full, for the report's pictures. */
  samples: SegmentedItem[];
  skipped: SkippedItem[];
  /** Name of the classifier whose digests the items carry. */
  digestedBy?: string;
  /** Name of the classifier whose region ids the items carry (`ids`). */
  labelledBy?: string;
}

export interface PrepareOptions extends SegmentSplitOptions {
  /** Digests every image with this classifier (k-means, k-NN). */
  digester?: ConceptClassifier;
  context: ClassifierContext;
  /** Digests carry each region's ground-truth class (a k-NN memory bank). */
  labelled?: boolean;
  /** Keep every input (a classifier without digests that fits on the set); its image as given (a path is not decoded ahead). */
  hold?: boolean;
  /** Items kept in full for the report. Default 0. */
  samples?: number;
  /** Labels each batch while it is in memory and keeps the region ids (`ids`): a classifier that needs no fit (CLIP). */
  labeller?: ConceptClassifier;
  /** Called with up to `batchSize` segmented items at a time while they are alive (classifiers that label as they go). */
  onBatch?: (items: readonly SegmentedItem[], prepared: readonly PreparedItem[]) => Promise<void>;
  /** Where the items go (default in memory); not used with `hold`, whose inputs stay in memory anyway. */
  store?: PreparedStoreFactory;
}

export function inputOf(s: SegmentedItem): ClassifyInput {
  return classifyInput(s.segmentation);
}

/**
 * One streaming pass over a split: each image is segmented, its
 * region × class pixel counts taken (all the confusion matrix needs), its
 * digest made while the image is at hand, and the image, features and maps
 * dropped. The items go to `options.store` a batch at a time: on disk, memory
 * does not grow with the split; in memory (the default), by a few hundred bytes
 * plus (regions × d) floats per image, not by its maps.
 */
export async function prepareSplit(options: PrepareOptions): Promise<PreparedSplit> {
  const { dataset, digester, context } = options;
  const classes = dataset.classNames.length;
  const items = options.hold || !options.store ? memoryPreparedStore() : await options.store();
  const samples: SegmentedItem[] = [];
  const skipped: SkippedItem[] = [];
  const step = Math.max(1, options.batchSize ?? 16);
  let batch: SegmentedItem[] = [];
  let batchPrepared: PreparedItem[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length && options.labeller) {
      const labels = await options.labeller.classify(batch.map(inputOf), context);
      checkCount(labels, batch.length, options.labeller.name);
      labels.forEach((l, j) => {
        batchPrepared[j].ids = regionIds(batchPrepared[j].counts.regionCount, l, options.labeller!.name, batchPrepared[j].id);
      });
    }
    if (batch.length && options.onBatch) await options.onBatch(batch, batchPrepared);
    // Stored once complete: the labeller's ids are part of an item.
    for (const item of batchPrepared) await items.add(item);
    batch = [];
    batchPrepared = [];
  };
  // Held inputs keep their path, not a decode of it: the set's pixels would stay in memory until the fit.
  try {
    for await (const r of segmentItems({ ...options, decode: !options.hold && options.decode !== false })) {
      if (!r.ok) {
        skipped.push(r.skipped);
        continue;
      }
      const s = r.value;
      const input = inputOf(s);
      const item: PreparedItem = { id: s.item.id, counts: regionClassCounts(s.segmentation.regions, s.label.data, classes, s.item.id) };
      if (digester?.digest) item.digest = await digester.digest(input, context, options.labelled ? s.label.data : undefined);
      if (options.hold) item.held = { input, label: s.label.data };
      if (samples.length < (options.samples ?? 0)) samples.push(s);
      batch.push(s);
      batchPrepared.push(item);
      if (batch.length >= step) await flush();
    }
    await flush();
  } catch (e) {
    await items.close();
    throw e;
  }
  return {
    dataset: dataset.name,
    split: dataset.split,
    items,
    held: !!options.hold,
    samples,
    skipped,
    digestedBy: digester?.digest ? digester.name : undefined,
    labelledBy: options.labeller?.name,
  };
}
