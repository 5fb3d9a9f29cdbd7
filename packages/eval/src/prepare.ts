import {
  AcsegError,
  SegmentationPipeline,
  isAcsegError,
  toAcsegError,
  type Backbone,
  type ConceptGenerator,
  type ImageInput,
  type Logger,
  type ProgressFactory,
  type Segmentation,
} from '@acseg/core';
import type { Dataset, DatasetItem } from './dataset.js';
import { checkLabelRange, type LabelMap } from './label.js';
import type { SkippedItem } from './report.js';

/** One dataset item after segmentation, with its ground truth at the same resolution. */
export interface SegmentedItem {
  item: DatasetItem;
  label: LabelMap;
  segmentation: Segmentation;
}

/** A split after `segmentSplit`: the usable items and the ones left out. */
export interface SegmentedSplit {
  segmented: SegmentedItem[];
  skipped: SkippedItem[];
}

export interface SegmentSplitOptions {
  dataset: Dataset;
  backbone: Backbone;
  generator: ConceptGenerator;
  batchSize?: number;
  log: Logger;
  progress: ProgressFactory;
  signal?: AbortSignal;
  /**
   * Decode once (default true): each image is decoded by the backbone's `decode` (when it has one) and that image
   * serves its features, region embeddings, a classifier's crops and the report's picture (`Segmentation.image`);
   * `extract` of a decode equals `extract` of its file. False where the backbone serves features without pixels
   * (a feature cache) and nothing else needs them: then nothing is decoded.
   */
  decode?: boolean;
  /** With `decode`: at most this many decoded images alive at once (the pipeline's `maxDecoded`, default 24). */
  maxDecoded?: number;
}

function skipOf(log: Logger, item: DatasetItem, e: unknown): SkippedItem {
  const err = isAcsegError(e) ? e : toAcsegError(e, 'BAD_DATASET', { file: item.label });
  log.warn(`skipped ${item.id}: ${err.message}`);
  return { id: item.id, file: err.file, reason: err.message };
}

export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AcsegError('INTERRUPTED', 'evaluation interrupted');
}

/** One item of a split as `segmentItems` streams it: segmented with its ground truth, or skipped. */
export type SegmentedOrSkipped = { ok: true; value: SegmentedItem } | { ok: false; skipped: SkippedItem };

/**
 * Segments every item of a split once (backbone → generator → regions) and
 * loads its ground truth, streaming: items are read in chunks of
 * 4 × batchSize, so at most one chunk's images, features and maps are
 * alive at a time, whatever the split's size. An item whose label or image
 * fails, or whose region map differs in size from its label, is yielded
 * as skipped (and logged); the rest go on. The split's own problems come first.
 */
export async function* segmentItems(options: SegmentSplitOptions): AsyncGenerator<SegmentedOrSkipped> {
  const { dataset, log } = options;
  const pipeline = new SegmentationPipeline(
    { backbone: options.backbone, generator: options.generator, log, progress: options.progress },
    { batchSize: options.batchSize, decode: options.decode ?? true, maxDecoded: options.maxDecoded },
  );
  const chunk = Math.max(1, options.batchSize ?? 16) * 4;
  for (const p of dataset.problems) yield { ok: false, skipped: { id: p.id, file: p.error.file, reason: p.error.message } };
  const bar = options.progress.start(`segment ${dataset.name} ${dataset.split}`, dataset.items.length);
  let done = 0;
  try {
    for (let start = 0; start < dataset.items.length; start += chunk) {
      checkAborted(options.signal);
      const ready: Array<{ item: DatasetItem; label: LabelMap; image: ImageInput }> = [];
      for (const item of dataset.items.slice(start, start + chunk)) {
        try {
          const label = await dataset.loadLabel(item);
          checkLabelRange(label, dataset.classNames.length, item.label);
          const image = dataset.preprocessImage ? await dataset.preprocessImage(item) : item.image;
          ready.push({ item, label, image });
        } catch (e) {
          bar.update(++done);
          yield { ok: false, skipped: skipOf(log, item, e) };
        }
      }
      let i = 0;
      for await (const outcome of pipeline.segment(ready.map((r) => r.image))) {
        const { item, label } = ready[i++];
        bar.update(++done);
        if (!outcome.ok) {
          yield { ok: false, skipped: skipOf(log, item, outcome.error) };
          continue;
        }
        const regions = outcome.result.regions;
        if (regions.width !== label.width || regions.height !== label.height) {
          yield {
            ok: false,
            skipped: skipOf(
              log,
              item,
              new AcsegError(
                'BAD_DATASET',
                `${item.image}: segmented at ${regions.width}×${regions.height} but its label ${item.label} is ${label.width}×${label.height}`,
                { file: item.label },
              ),
            ),
          };
          continue;
        }
        yield { ok: true, value: { item, label, segmentation: outcome.result } };
      }
    }
  } finally {
    bar.stop();
  }
}

/** The whole split in memory (`segmentItems` collected): for small splits and tests. */
export async function segmentSplit(options: SegmentSplitOptions): Promise<SegmentedSplit> {
  const segmented: SegmentedItem[] = [];
  const skipped: SkippedItem[] = [];
  for await (const r of segmentItems(options)) {
    if (r.ok) segmented.push(r.value);
    else skipped.push(r.skipped);
  }
  return { segmented, skipped };
}
