import type { Backbone } from './backbone.js';
import type { ClassifyInput, ConceptClassifier, RegionLabel } from './classifier.js';
import type { AssignmentStash } from './assignment-stash.js';
import { classifyInput } from './classify-input.js';
import { restoreFromStash } from './restore.js';
import { decodeBatch, type DecodedBatch } from './slot-decode.js';
import { DecodeSlots } from './decode-slots.js';
import { AcsegError, describeSkip, toAcsegError } from './errors.js';
import { validateFeatureMap, type FeatureMap } from './features.js';
import type { ConceptAssignment, ConceptGenerator } from './generator.js';
import { imageSource, type ImageInput } from './image.js';
import { silentLogger, silentProgress, type Logger, type ProgressFactory } from './log.js';
import { deferRegions, type RegionMap } from './regions.js';
import { streamSegmentation, type StreamOptions, type StreamSummary } from './stream.js';

/** One image through backbone → generator → regions (→ classes). */
export interface Segmentation {
  id: string;
  source: string;
  image: ImageInput;
  /**
   * The image's features. Absent in pass 2 of a stream that stashed its assignments (`StreamOptions.stash`): the
   * regions are made again from the stashed assignment, and the features are neither read nor kept.
   */
  features?: FeatureMap;
  assignment: ConceptAssignment;
  regions: RegionMap;
  /** One label per region, once a classifier has run. */
  labels?: RegionLabel[];
}

export type SegmentOutcome = { ok: true; result: Segmentation } | { ok: false; id: string; source: string; error: AcsegError };

export interface PipelineParts {
  backbone: Backbone;
  generator: ConceptGenerator;
  classifier?: ConceptClassifier;
  classNames?: readonly string[];
  log?: Logger;
  progress?: ProgressFactory;
}

export interface PipelineOptions {
  /** Images per backbone/generator call. */
  batchSize?: number;
  /**
   * Decode once: each file is decoded by the backbone's `decode` (when it has one) before its features, and that
   * image is what the features, the region embeddings and the caller's outputs (`Segmentation.image`) all read.
   * For callers that draw the images anyway (overlays); off, a backbone that serves features without pixels (a
   * feature cache) never decodes.
   */
  decode?: boolean;
  /**
   * With `decode`: at most this many decoded images alive at once (default 24), decoded and not yet done with (see
   * `SegmentCallOptions.keep`), whatever the batch size; batches are cut to it. A 12 MP photo is 36 MB decoded.
   */
  maxDecoded?: number;
}

export const DEFAULT_MAX_DECODED = 24;

/** Per call of `segment`. */
export interface SegmentCallOptions {
  /** Whether to decode once (default: the pipeline's `decode` option). */
  decode?: boolean;
  /**
   * The caller gives each segmented image back with `release(outcome)` when it is done with it (it holds some
   * while it batches them). Default: an image is given back when the caller takes the next outcome.
   */
  keep?: boolean;
  /** With `keep`: the caller holds each batch whole until it has labelled it (batches are cut to half the decode slots). */
  held?: boolean;
}

/** Class id per pixel from a segmentation's region labels; 255 where unlabeled. */
export function classMap(seg: Pick<Segmentation, 'regions' | 'labels'>): Uint8Array {
  const lut = new Uint8Array(seg.regions.count).fill(255);
  for (const l of seg.labels ?? []) lut[l.region] = l.classId;
  // Read once: `regions` may be a getter (deferRegions), and the loop runs over every pixel.
  const labels = seg.regions.labels;
  const out = new Uint8Array(labels.length);
  for (let p = 0; p < out.length; p++) out[p] = lut[labels[p]];
  return out;
}

/**
 * Composes the three contracts. Errors are caught per image and returned as
 * `{ ok: false }` so a folder run goes on past a bad file; errors thrown by
 * a component are tagged with the stage and the component's name.
 */
export class SegmentationPipeline {
  private readonly log: Logger;
  private readonly progress: ProgressFactory;
  private readonly batchSize: number;
  private readonly decode: boolean;
  private readonly slots: DecodeSlots;

  constructor(
    private readonly parts: PipelineParts,
    options: PipelineOptions = {},
  ) {
    this.log = parts.log ?? silentLogger;
    this.progress = parts.progress ?? silentProgress;
    this.batchSize = Math.max(1, options.batchSize ?? 16);
    this.decode = !!options.decode;
    this.slots = new DecodeSlots(Math.max(1, Math.floor(options.maxDecoded ?? DEFAULT_MAX_DECODED)));
    const needs = parts.classifier?.needs;
    if (needs?.attention && !parts.backbone.info.hasAttention) {
      // Said once per run, and not as a warning: the weight-free default backbone has no attention, by design.
      this.log.info(
        `classifier ${parts.classifier!.name}: backbone ${parts.backbone.name} has no attention maps, so background regions are the ones along the image border (border prior) rather than those DINO's attention leaves out (paper §3.5)`,
      );
    }
    if (needs?.regionEmbeddings && !parts.backbone.regionEmbeddings) {
      throw new AcsegError('BAD_INPUT', `classifier ${parts.classifier!.name} needs region embeddings, which backbone ${parts.backbone.name} does not provide`);
    }
    if (needs?.classNames && !parts.classNames?.length) {
      throw new AcsegError('BAD_INPUT', `classifier ${parts.classifier!.name} needs class names`, { hint: 'pass --classes "cat,dog,..." or a dataset' });
    }
  }

  /**
   * The same pipeline reading features through `backbone` instead (e.g. a
   * feature cache in front of the same model), without checking and saying
   * again what the constructor did.
   */
  withBackbone(backbone: Backbone): SegmentationPipeline {
    const copy = Object.create(SegmentationPipeline.prototype) as SegmentationPipeline;
    return Object.assign(copy, this, { parts: { ...this.parts, backbone } });
  }

  /**
   * The classifier's own early check (`ConceptClassifier.check`: model files, class names, ...), so that a run
   * that trains or extracts first fails before that work rather than after it.
   */
  async check(): Promise<void> {
    const clf = this.parts.classifier;
    if (!clf?.check) return;
    try {
      await clf.check({ backbone: this.parts.backbone, classNames: this.parts.classNames, log: this.log, progress: this.progress });
    } catch (e) {
      throw toAcsegError(e, 'PLUGIN_FAILED', { stage: 'classify', plugin: clf.name, message: `classifier ${clf.name} failed its check` });
    }
  }

  /**
   * Images per batch of `segment`: with decoding, no more than the decoded images allowed alive, and with `held`
   * (the caller holds each batch whole until it is labelled) no more than half of them, so that the next batch
   * decodes while the caller labels this one rather than after it gives this one back.
   */
  batchFor(decode: boolean, held = false): number {
    if (!decode || !this.parts.backbone.decode) return this.batchSize;
    const whole = Math.min(this.batchSize, this.slots.size);
    if (!held) return whole;
    // A fixed-batch model would pad the rest of a half that is not a multiple of its batch: cut to one, or not at all.
    const half = Math.floor(this.slots.size / 2);
    const fixed = this.parts.backbone.fixedBatch;
    const cut = fixed && fixed > 1 ? half - (half % fixed) : half;
    return cut >= 1 ? Math.min(whole, cut) : whole;
  }

  /** The caller of `segment(…, { keep: true })` is done with this outcome's image (its decode slot is free again). */
  release(outcome: SegmentOutcome): void {
    if (outcome.ok) this.slots.release(outcome.result.image);
  }

  /**
   * Features → concepts → regions for each image, in input order, batched.
   * The next batch's features are extracted while this one's concepts are
   * generated and its images are taken by the caller (decoding and a native
   * backbone or generator run off the JS thread, so they overlap); at most
   * two batches of features are held. Decoded images are bounded by
   * `maxDecoded`: the next batch decodes as the caller gives images back.
   */
  async *segment(images: readonly ImageInput[], options: SegmentCallOptions = {}): AsyncGenerator<SegmentOutcome> {
    const decode = (options.decode ?? this.decode) && this.parts.backbone.decode ? this.parts.backbone : undefined;
    const size = this.batchFor(!!decode, !!options.held);
    const starts: number[] = [];
    for (let start = 0; start < images.length; start += size) starts.push(start);
    // Each batch's decodes start one batch earlier than its features: while the backbone works on batch b + 1, batch
    // b + 2 decodes (in the slots that are free), so the backbone never waits for a whole batch's decodes at once.
    // Slots go first come, first served: an earlier batch's decodes are never kept waiting by a later one's.
    const decodeAt = (b: number) => {
      const p = decodeBatch(images.slice(starts[b], starts[b] + size), starts[b], this.slots, decode);
      // Awaited by its extraction; this only keeps a batch abandoned by a caller that stopped early from being unhandled.
      p.catch(() => undefined);
      return p;
    };
    const extract = (b: number, decoding: Promise<DecodedBatch>) => {
      const p = this.extractBatch(images.slice(starts[b], starts[b] + size), starts[b], decoding);
      p.catch(() => undefined);
      return p;
    };
    let next = starts.length ? extract(0, decodeAt(0)) : undefined;
    let decoding = starts.length > 1 ? decodeAt(1) : undefined;
    // Decoded images of the current batch not yet handed over for good (given back here if the caller stops early).
    let unsettled: ImageInput[] = [];
    try {
      for (let b = 0; b < starts.length; b++) {
        const start = starts[b];
        const { batch, ready, failed, decoded } = await next!;
        unsettled = decoded.filter((d): d is ImageInput => d !== undefined);
        next = decoding ? extract(b + 1, decoding) : undefined;
        decoding = b + 2 < starts.length ? decodeAt(b + 2) : undefined;
        const assigned = await this.generateIsolated(ready.map((r) => r.features));
        let ri = 0;
        for (let j = 0; j < batch.length; j++) {
          const f = failed.get(j);
          let outcome: SegmentOutcome;
          if (f) outcome = f;
          else {
            const { image, features } = ready[ri];
            const a = assigned[ri++];
            if (a instanceof AcsegError) outcome = { ok: false, id: features.id, source: imageSource(image, start + j), error: a };
            else {
              // Made when first read: by the caller, or by an output worker it hands them to (deferredRegions).
              const result = deferRegions(
                { id: features.id, source: imageSource(image, start + j), image, features, assignment: a },
                { assignment: a.assignment, k: a.k, grid: features.grid, width: features.imageSize.width, height: features.imageSize.height },
              );
              outcome = { ok: true, result };
            }
          }
          // Kept by the caller: it gives the image back itself; a failure carries no image, so it is given back here.
          const kept = options.keep && outcome.ok ? decoded[j] : undefined;
          if (kept) unsettled.splice(unsettled.indexOf(kept), 1);
          yield outcome;
          const own = decoded[j];
          if (own && own !== kept) {
            this.slots.release(own);
            unsettled.splice(unsettled.indexOf(own), 1);
          }
        }
      }
    } finally {
      // Stopped early: what was decoded and not handed over is given back, the look-ahead batches once their decodes end.
      for (const image of unsettled) this.slots.release(image);
      for (const ahead of [next, decoding]) {
        ahead?.then(
          (r) => r.decoded.forEach((d) => this.slots.release(d)),
          () => undefined,
        );
      }
    }
  }

  /**
   * Pass 2 of a stream with a stash: the images at `indices`, in that order, each decoded (as `segment` decodes,
   * within the decode slots, a batch ahead) and given the regions of its stashed assignment, made when first read,
   * without the backbone or the generator. The caller gives each image back with `release` (as with `keep`). An
   * image that fails to decode now, or decodes at another size than in pass 1 (the file changed), is a failed outcome.
   */
  restore(images: readonly ImageInput[], indices: readonly number[], stash: AssignmentStash): AsyncGenerator<SegmentOutcome> {
    const decoder = this.decode && this.parts.backbone.decode ? this.parts.backbone : undefined;
    return restoreFromStash(images, indices, stash, { decoder, ahead: this.batchFor(!!decoder), slots: this.slots });
  }

  /**
   * One batch's features, checked; a failing image is kept as its outcome. With decodes (`decodeBatch`), the
   * backbone gets the decoded images; `decoded[j]` is input j's decode (holding a slot), undefined when it failed or
   * was not decoded.
   */
  private async extractBatch(inputs: readonly ImageInput[], start: number, decoding: Promise<DecodedBatch>) {
    const ready: Array<{ image: ImageInput; features: FeatureMap }> = [];
    const { decoded, failed, decoder } = await decoding;
    // Position in `inputs` of each image given to the backbone (an image that failed to decode is not given).
    let at = inputs.map((_, j) => j);
    let batch = inputs;
    if (decoder) {
      at = at.filter((j) => decoded[j] !== undefined);
      batch = at.map((j) => decoded[j]!);
    }
    let i = 0;
    try {
      for await (const r of this.parts.backbone.extract(batch)) {
        const image = batch[i];
        const j = at[i];
        if (r.ok) {
          try {
            validateFeatureMap(r.features);
            ready.push({ image, features: r.features });
          } catch (e) {
            failed.set(j, { ok: false, id: r.features.id, source: imageSource(image, start + j), error: toAcsegError(e, 'BAD_INPUT', { stage: 'features' }) });
          }
        } else failed.set(j, r);
        i++;
      }
    } catch (e) {
      decoded.forEach((d) => this.slots.release(d));
      throw toAcsegError(e, 'PLUGIN_FAILED', { stage: 'features', plugin: this.parts.backbone.name, message: `backbone ${this.parts.backbone.name} failed` });
    }
    return { batch: inputs, ready, failed, decoded };
  }

  /** A failing batch is retried image by image, so one bad image loses only itself. */
  private async generateIsolated(features: FeatureMap[]): Promise<Array<ConceptAssignment | AcsegError>> {
    if (features.length === 0) return [];
    const gen = this.parts.generator;
    try {
      return await gen.generate(features);
    } catch (e) {
      if (features.length === 1)
        return [
          toAcsegError(e, 'PLUGIN_FAILED', {
            stage: 'generate',
            plugin: gen.name,
            file: features[0].source,
            message: `${features[0].source ?? features[0].id}: generator ${gen.name} failed`,
          }),
        ];
      const out: Array<ConceptAssignment | AcsegError> = [];
      for (const f of features) out.push(...(await this.generateIsolated([f])));
      return out;
    }
  }

  /**
   * The whole run, streaming: each image's outcome goes to `emit` as soon as
   * it is final, and nothing is held but a digest per image (see
   * `streamSegmentation`). What `run` gives, without its memory.
   */
  stream(images: readonly ImageInput[], options: StreamOptions): Promise<StreamSummary> {
    return streamSegmentation(
      {
        ...this.parts,
        log: this.log,
        progress: this.progress,
        batchSize: this.batchFor(this.decode),
        heldBatchSize: this.batchFor(this.decode, true),
        segment: (imgs, o) => this.segment(imgs, o),
        restore: (imgs, indices, stash) => this.restore(imgs, indices, stash),
        release: (o) => this.release(o),
        run: (imgs) => this.run(imgs),
      },
      images,
      options,
    );
  }

  /**
   * The whole run: segment every image, fit the classifier on all of them
   * when it needs to see the set (k-means), then label each region.
   */
  async run(images: readonly ImageInput[]): Promise<SegmentOutcome[]> {
    const bar = this.progress.start('segment', images.length);
    const outcomes: SegmentOutcome[] = [];
    for await (const o of this.segment(images)) {
      outcomes.push(o);
      bar.update(outcomes.length);
      if (!o.ok) this.log.warn(`skipped ${describeSkip(o.source, o.error.message)}`);
    }
    bar.stop();
    const clf = this.parts.classifier;
    if (!clf) return outcomes;
    const good = outcomes.filter((o): o is { ok: true; result: Segmentation } => o.ok).map((o) => o.result);
    const inputs: ClassifyInput[] = good.map(classifyInput);
    const context = { backbone: this.parts.backbone, classNames: this.parts.classNames, log: this.log, progress: this.progress };
    if (clf.needs.fit && clf.fit && inputs.length) {
      try {
        await clf.fit(inputs, context);
      } catch (e) {
        throw toAcsegError(e, 'PLUGIN_FAILED', { stage: 'classify', plugin: clf.name, message: `classifier ${clf.name} failed to fit` });
      }
    }
    for (let s = 0; s < inputs.length; s += this.batchSize) {
      const labels = await clf.classify(inputs.slice(s, s + this.batchSize), context).catch((e: unknown) => {
        throw toAcsegError(e, 'PLUGIN_FAILED', { stage: 'classify', plugin: clf.name, message: `classifier ${clf.name} failed` });
      });
      labels.forEach((l, j) => {
        good[s + j].labels = l;
      });
    }
    return outcomes;
  }
}
