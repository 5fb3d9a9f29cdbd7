import type { AssignmentStash } from './assignment-stash.js';
import type { ClassifierContext, RegionDigest, RegionLabel } from './classifier.js';
import type { DigestStash } from './digest-stash.js';
import { AcsegError, describeSkip, toAcsegError } from './errors.js';
import type { ImageInput } from './image.js';
import type { Logger, ProgressFactory } from './log.js';
import { classifyInput } from './classify-input.js';
import { deferredRegions, settleRegions, type RegionMap, type UpsampleInput } from './regions.js';
import type { PipelineParts, SegmentCallOptions, SegmentOutcome, Segmentation } from './pipeline.js';

export interface StreamOptions {
  /**
   * Receives each image's outcome (labelled when there is a classifier), in
   * input order, as soon as it is final: write its outputs here and drop it.
   */
  emit(outcome: SegmentOutcome): Promise<void>;
  signal?: AbortSignal;
  /**
   * For a classifier that must see the set first (two passes): pass 1 keeps each image's concept assignment here and
   * pass 2 makes the same regions from it (`SegmentationPipeline.restore`): no features are read, no backbone or
   * generator runs, and pass 2's segmentations carry no `features`. Without it, pass 2 segments again.
   */
  stash?: AssignmentStash;
  /**
   * With a stash: called once the classifier is fitted, before pass 2, which uses neither the backbone nor the
   * generator, so the caller may free them here (a ViT's session and its buffers are hundreds of MB).
   */
  betweenPasses?: () => Promise<void>;
  /**
   * With a stash, for a classifier that can fit on rows of embeddings (`fitRows`): pass 1 keeps each image's digest
   * here instead of in memory, the fit reads their embeddings from it, and pass 2 reads each digest back.
   */
  digests?: DigestStash;
  /**
   * Makes an image's region map on another thread (`assignmentToRegions` of the same input, so the same map) before a
   * classifier reads it, so that this thread goes on with the next images' features meanwhile. Without it a
   * classifier's regions are made here; without a classifier they are made where the outputs are (deferRegions).
   */
  regions?: (input: UpsampleInput) => Promise<RegionMap>;
}

export interface StreamSummary {
  segmented: number;
  skipped: number;
  /** 2 when the classifier had to see every image before labelling (k-means): the images were segmented twice. */
  passes: 1 | 2;
  /** True when stopped by the signal; the images emitted so far are complete. */
  interrupted: boolean;
}

export interface StreamParts extends PipelineParts {
  log: Logger;
  progress: ProgressFactory;
  batchSize: number;
  /** Images per batch a classifier labels whole (`held` batches of `segment`: the next decodes meanwhile). */
  heldBatchSize?: number;
  segment(images: readonly ImageInput[], options?: SegmentCallOptions): AsyncGenerator<SegmentOutcome>;
  /** Pass 2 from a stash: the images at `indices`, decoded, with their stashed regions (see `SegmentationPipeline.restore`). */
  restore?(images: readonly ImageInput[], indices: readonly number[], stash: AssignmentStash): AsyncGenerator<SegmentOutcome>;
  /** Gives back the image of an outcome taken with `keep` (its decode slot). */
  release?(outcome: SegmentOutcome): void;
  /** The held run, for a set classifier without digests. */
  run(images: readonly ImageInput[]): Promise<SegmentOutcome[]>;
}

/** Outcomes with their image's position: pass 2 segmenting every image again, or restoring the kept ones. */
async function* numbered(outcomes: AsyncGenerator<SegmentOutcome>, indices?: readonly number[]): AsyncGenerator<[number, SegmentOutcome]> {
  let i = 0;
  for await (const o of outcomes) yield [indices ? indices[i++] : i++, o];
}

/**
 * The run without holding the set: what `SegmentationPipeline.run` returns,
 * handed to `emit` image by image. A classifier that labels image by image
 * (or none) needs one pass. One that must see the set first (k-means over
 * region embeddings) gets two: pass 1 keeps only its digest of each image
 * (regions × d floats), it is fitted once, pass 2 segments again (the same
 * regions: generators are deterministic) and labels from the digests, so
 * region embeddings are computed once. With a stash, pass 2 makes the regions
 * from each image's assignment kept in pass 1 instead of segmenting again. A
 * classifier that must see the set but has no digests is given the held set
 * (memory grows; said in a line).
 */
export async function streamSegmentation(parts: StreamParts, images: readonly ImageInput[], options: StreamOptions): Promise<StreamSummary> {
  const clf = parts.classifier;
  const context: ClassifierContext = { backbone: parts.backbone, classNames: parts.classNames, log: parts.log };
  const summary: StreamSummary = { segmented: 0, skipped: 0, passes: 1, interrupted: false };
  const fail = (e: unknown, what: string): AcsegError =>
    toAcsegError(e, 'PLUGIN_FAILED', { stage: 'classify', plugin: clf!.name, message: `classifier ${clf!.name} failed${what}` });
  const skip = async (o: SegmentOutcome): Promise<void> => {
    summary.skipped++;
    if (!o.ok) parts.log.warn(`skipped ${describeSkip(o.source, o.error.message)}`);
    await options.emit(o);
  };
  // Each image is given back (its decode slot) once emitted: what the caller writes from it is written or copied by then.
  const emitted = async (o: SegmentOutcome): Promise<void> => {
    try {
      await options.emit(o);
    } finally {
      parts.release?.(o);
    }
  };
  const label = (s: Segmentation, labels: RegionLabel[] | undefined): SegmentOutcome => {
    summary.segmented++;
    // Set in place, not copied: a copy would make regions not made yet (deferRegions) here, on this thread.
    if (labels) s.labels = labels;
    return { ok: true, result: s };
  };

  // Regions a classifier is about to read, made on another thread when the caller offers one.
  const regionsAway = async (held: readonly Segmentation[]): Promise<void> => {
    const make = options.regions;
    if (!make) return;
    await Promise.all(
      held.map(async (s) => {
        const input = deferredRegions(s);
        if (input) settleRegions(s, await make(input));
      }),
    );
  };

  const setFit = !!(clf?.needs.fit && (clf.fit || clf.fitDigests));
  const stash = parts.restore ? options.stash : undefined;
  const digests = !!(clf?.digest && clf.fitDigests && clf.classifyDigests);
  if (setFit && !digests) {
    parts.log.info(`classifier ${clf!.name} has no digests: every image's features and maps stay in memory until it is fitted`);
    return held(parts, images, options, summary);
  }

  if (setFit) {
    // Pass 1: a digest per image; failures are final and emitted now.
    summary.passes = 2;
    const kept = new Map<number, RegionDigest>();
    // On disk when the caller offers a place and the classifier can fit from it: the digests were ~1–2 KB an image.
    const away = stash && clf!.fitRows ? options.digests : undefined;
    const indices: number[] = [];
    const bar = parts.progress.start('segment (pass 1 of 2)', images.length);
    let i = 0;
    // Pass 1 draws nothing: it decodes (when the pipeline decodes at all) only for region embeddings that read pixels.
    const pixels = !!clf!.needs.regionEmbeddings && !!parts.backbone.regionEmbeddingsReadPixels;
    for await (const o of parts.segment(images, pixels ? { keep: true } : { decode: false })) {
      if (options.signal?.aborted) {
        parts.release?.(o);
        summary.interrupted = true;
        break;
      }
      try {
        if (o.ok) {
          await regionsAway([o.result]);
          const digest = await clf!.digest!(classifyInput(o.result), context).catch((e: unknown) => {
            throw fail(e, ' to embed the regions');
          });
          if (away) await away.put(i, digest);
          else kept.set(i, digest);
          indices.push(i);
          const { id, source, assignment, features } = o.result;
          await stash?.put(i, { id, source, assignment, grid: features!.grid, width: features!.imageSize.width, height: features!.imageSize.height });
        } else await skip(o);
      } finally {
        parts.release?.(o);
      }
      bar.update(++i);
    }
    bar.stop();
    if (summary.interrupted) return summary;
    if (!indices.length) return summary;
    const fitContext = { ...context, progress: parts.progress };
    await (away ? clf!.fitRows!(await away.rows(), indices.length, fitContext) : clf!.fitDigests!([...kept.values()], fitContext)).catch((e: unknown) => {
      throw fail(e, ' to fit');
    });
    if (stash) await options.betweenPasses?.();
    const bar2 = parts.progress.start('label and write (pass 2 of 2)', images.length);
    const pass2 = stash ? numbered(parts.restore!(images, indices, stash), indices) : numbered(parts.segment(images, { keep: true }));
    for await (const [at, o] of pass2) {
      if (options.signal?.aborted) {
        parts.release?.(o);
        summary.interrupted = true;
        break;
      }
      // Pass 2 from the stash visits exactly the kept images, in order.
      const digest = away ? await away.get(at) : kept.get(at);
      kept.delete(at);
      bar2.update(at + 1);
      if (!digest) {
        parts.release?.(o);
        continue; // skipped in pass 1 and already emitted
      }
      if (!o.ok) {
        await skip(o);
        continue;
      }
      // From the stash the regions are those of pass 1 by construction (the same S); segmented again, they must match.
      if (!stash && digest.regionCount !== o.result.regions.count) {
        parts.release?.(o);
        throw new AcsegError(
          'PLUGIN_FAILED',
          `${o.result.source}: pass 2 gave ${o.result.regions.count} regions, pass 1 ${digest.regionCount}; the generator must be deterministic`,
          { stage: 'generate', plugin: parts.generator.name },
        );
      }
      const [labels] = await clf!.classifyDigests!([digest], context).catch((e: unknown) => {
        parts.release?.(o);
        throw fail(e, '');
      });
      await emitted(label(o.result, labels));
    }
    bar2.stop();
    return summary;
  }

  // One pass: label each batch while it is in memory (without a classifier, each image goes on at once).
  const bar = parts.progress.start('segment', images.length);
  let done = 0;
  let batch: Segmentation[] = [];
  // A classifier's batch is held until labelled: batches of half the decode slots, so the next one decodes meanwhile.
  const batchSize = clf ? (parts.heldBatchSize ?? parts.batchSize) : parts.batchSize;
  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    const held = batch;
    batch = [];
    let labels: RegionLabel[][] | undefined;
    try {
      if (clf) await regionsAway(held);
      labels = clf
        ? await clf.classify(held.map(classifyInput), context).catch((e: unknown) => {
            throw fail(e, '');
          })
        : undefined;
    } catch (e) {
      for (const s of held) parts.release?.({ ok: true, result: s });
      throw e;
    }
    for (const [j, s] of held.entries()) await emitted(label(s, labels?.[j]));
  };
  try {
    for await (const o of parts.segment(images, { keep: true, held: !!clf })) {
      if (options.signal?.aborted) {
        parts.release?.(o);
        summary.interrupted = true;
        break;
      }
      bar.update(++done);
      if (!o.ok) {
        await flush();
        await skip(o);
        continue;
      }
      batch.push(o.result);
      // Also at the end of each of segment's batches (they start at multiples of batchSize): after a failure the held
      // ones would otherwise wait for images of the next batch, whose decodes wait for the slots these hold.
      if (!clf || batch.length >= batchSize || done % batchSize === 0) await flush();
    }
    await flush();
  } finally {
    for (const s of batch) parts.release?.({ ok: true, result: s });
  }
  bar.stop();
  return summary;
}

async function held(parts: StreamParts, images: readonly ImageInput[], options: StreamOptions, summary: StreamSummary): Promise<StreamSummary> {
  for (const o of await parts.run(images)) {
    if (o.ok) summary.segmented++;
    else summary.skipped++;
    await options.emit(o);
  }
  return summary;
}
