import type { ClassifierContext, ClassifyInput, RegionDigest, RegionLabel } from './classifier.js';
import { AcsegError, describeSkip, toAcsegError } from './errors.js';
import type { ImageInput } from './image.js';
import type { Logger, ProgressFactory } from './log.js';
import type { PipelineParts, SegmentCallOptions, SegmentOutcome, Segmentation } from './pipeline.js';

export interface StreamOptions {
  /**
   * Receives each image's outcome (labelled when there is a classifier), in
   * input order, as soon as it is final: write its outputs here and drop it.
   */
  emit(outcome: SegmentOutcome): Promise<void>;
  signal?: AbortSignal;
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
  segment(images: readonly ImageInput[], options?: SegmentCallOptions): AsyncGenerator<SegmentOutcome>;
  /** Gives back the image of an outcome taken with `keep` (its decode slot). */
  release?(outcome: SegmentOutcome): void;
  /** The held run, for a set classifier without digests. */
  run(images: readonly ImageInput[]): Promise<SegmentOutcome[]>;
}

function inputOf(s: Segmentation): ClassifyInput {
  return { image: s.image, features: s.features, regions: s.regions };
}

/**
 * The run without holding the set: what `SegmentationPipeline.run` returns,
 * handed to `emit` image by image. A classifier that labels image by image
 * (or none) needs one pass. One that must see the set first (k-means over
 * region embeddings) gets two: pass 1 keeps only its digest of each image
 * (regions × d floats), it is fitted once, pass 2 segments again (the same
 * regions: generators are deterministic) and labels from the digests, so
 * region embeddings are computed once. A classifier that must see the set
 * but has no digests is given the held set (memory grows; said in a line).
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
    return { ok: true, result: labels ? { ...s, labels } : s };
  };

  const setFit = !!(clf?.needs.fit && (clf.fit || clf.fitDigests));
  const digests = !!(clf?.digest && clf.fitDigests && clf.classifyDigests);
  if (setFit && !digests) {
    parts.log.info(`classifier ${clf!.name} has no digests: every image's features and maps stay in memory until it is fitted`);
    return held(parts, images, options, summary);
  }

  if (setFit) {
    // Pass 1: a digest per image; failures are final and emitted now.
    summary.passes = 2;
    const kept = new Map<number, RegionDigest>();
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
        if (o.ok)
          kept.set(
            i,
            await clf!.digest!(inputOf(o.result), context).catch((e: unknown) => {
              throw fail(e, ' to embed the regions');
            }),
          );
        else await skip(o);
      } finally {
        parts.release?.(o);
      }
      bar.update(++i);
    }
    bar.stop();
    if (summary.interrupted) return summary;
    if (!kept.size) return summary;
    await clf!.fitDigests!([...kept.values()], { ...context, progress: parts.progress }).catch((e: unknown) => {
      throw fail(e, ' to fit');
    });
    const bar2 = parts.progress.start('label and write (pass 2 of 2)', images.length);
    i = 0;
    for await (const o of parts.segment(images, { keep: true })) {
      if (options.signal?.aborted) {
        parts.release?.(o);
        summary.interrupted = true;
        break;
      }
      const digest = kept.get(i);
      bar2.update(++i);
      if (!digest) {
        parts.release?.(o);
        continue; // skipped in pass 1 and already emitted
      }
      if (!o.ok) {
        await skip(o);
        continue;
      }
      if (digest.regionCount !== o.result.regions.count) {
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
  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    const held = batch;
    batch = [];
    let labels: RegionLabel[][] | undefined;
    try {
      labels = clf
        ? await clf.classify(held.map(inputOf), context).catch((e: unknown) => {
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
    for await (const o of parts.segment(images, { keep: true })) {
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
      if (!clf || batch.length >= parts.batchSize) await flush();
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
