import { join, resolve, sep } from 'node:path';
import { GalleryLog, writeGallery } from '@acseg/report';
import { outputFolderFault } from './output-fault.js';
import { OutputPool } from './output-pool.js';
import { OutputRoomWatch } from './room-watch.js';
import type { Finished } from './resume.js';
import {
  AcsegError,
  deferredRegions,
  isAcsegError,
  imageId,
  silentLogger,
  uniqueId,
  type ImageInput,
  type Logger,
  type RegionMap,
  type SegmentOutcome,
  type Segmentation,
  type UpsampleInput,
} from '@acseg/core';

export interface RunOutputOptions {
  classNames?: readonly string[];
  backbone: string;
  generator: string;
  classifier?: string;
  log?: Logger;
  /** Every input file of the run: no output may take one's name (`--out` may be the images folder). */
  inputs?: readonly string[];
  /**
   * The inputs of the shards before this one, in the order one process takes them: their output names are
   * reserved first, so `street.png` after a `street.jpg` of an earlier shard is `street-2` here too (an earlier
   * image that one process would skip as unreadable reserves its name all the same).
   */
  earlier?: readonly string[];
  /** The image to draw the overlay on (default: the segmented input; `--features` without images: a grey canvas). */
  imageOf?: (seg: Segmentation) => ImageInput;
  /**
   * Output worker threads (default: one less than the cores, at least one, for the main thread segments meanwhile;
   * pass 2 from a stash leaves the main thread nearly idle, so it may take every core).
   */
  workers?: number;
  /**
   * Writes that may wait or run at once (default WRITES_IN_FLIGHT, 32; at least 1). Pass 2 from a stash gives fewer: its
   * thread is nearly idle, so the writes are always at the bound, and each holds its pixels and maps meanwhile.
   */
  writesInFlight?: number;
  /** Flush each output file to disk before it is renamed into place (`--fsync`; report's WriteOptions). */
  flush?: boolean;
  /** Longest side of the overlays (`--overlay-size`; report's ImageOutputsOptions). */
  overlayMaxSide?: number;
  /** Images this run will write: with it, a warning when their outputs will not fit on the disk (OutputRoomWatch). */
  total?: number;
  /** How that warning measures: the free bytes (default statfs) at these counts of images written (default 50, 250). */
  room?: { diskFree?: (dir: string) => Promise<number | undefined>; at?: readonly [number, number] };
}

/**
 * Writes of images waiting or running at once. More than a batch of the pipeline (16 images): with 8, the thread
 * that segments waited on the output worker in the middle of each batch, then the worker sat idle while it computed
 * the next one (a CPU profile of `segment` showed the two threads taking turns); with 32 they overlap. Bounded by
 * PIXELS_IN_FLIGHT as well.
 */
const WRITES_IN_FLIGHT = 32;
/**
 * And at most this many of their pixels (beyond one image): a pending write holds the decoded image and its maps
 * (~5 bytes a pixel, ~16 while it is encoded), so 12 MP photos wait one at a time.
 */
const PIXELS_IN_FLIGHT = 8_000_000;

/** The files `writeImageOutputs` and `writeGallery` name after an image id. */
function outputFiles(out: string, id: string): string[] {
  return [`${id}.png`, `${id}.overlay.png`, `${id}.regions.png`, `${id}.json`, join('thumbs', `${id}.jpg`)].map((f) => resolve(out, f));
}

/**
 * Picks each image's output id: its file name, numbered (core's `uniqueId`, as the feature cache does) when
 * another image already has it (`street.jpg`, `street.png`) or when an output file would replace an input.
 * Compared without case, as on macOS and Windows file systems.
 */
function outputIds(out: string, inputs: readonly string[]): (id: string) => string {
  // Only inputs inside the output folder can be replaced by an output: a set of every input was ~12 MB at 100 000.
  const inside = resolve(out).toLowerCase() + sep;
  const inputFiles = new Set(inputs.map((p) => resolve(p).toLowerCase()).filter((p) => p.startsWith(inside)));
  const used = new Set<string>();
  return (id) => {
    const chosen = uniqueId(id, (c) => used.has(c.toLowerCase()) || outputFiles(out, c).some((f) => inputFiles.has(f.toLowerCase())));
    used.add(chosen.toLowerCase());
    return chosen;
  };
}

/**
 * Writes a run's outputs as each image finishes: per image `<id>.png`
 * (class ids, VOC palette), `<id>.overlay.png`, `<id>.json` and a
 * thumbnail, each atomically, recorded in `gallery.jsonl`; `finish` writes
 * `index.html` from that record. Nothing of an image is kept once written
 * (only the skipped files' names and reasons), so memory does not grow
 * with the run. A failure to write one image's files is reported and the
 * others go on.
 */
export class RunWriter {
  readonly skipped: Array<{ source: string; message: string }> = [];
  written = 0;
  private readonly pending = new Set<Promise<void>>();
  /** Pixels of the images whose writes are pending. */
  private pendingPixels = 0;
  private readonly pool: OutputPool;
  private readonly idFor: (id: string) => string;
  private readonly log: Logger;
  /** What stopped the run (a full disk, a read-only output folder): thrown by the next `write` and by `finish`. */
  private fault?: AcsegError;
  private readonly room?: OutputRoomWatch;

  private constructor(
    private readonly out: string,
    private readonly opts: RunOutputOptions,
    private readonly gallery: GalleryLog,
  ) {
    this.log = opts.log ?? silentLogger;
    this.idFor = outputIds(out, opts.inputs ?? []);
    this.pool = new OutputPool(opts.workers);
    if (opts.total) this.room = new OutputRoomWatch(out, opts.total, (m) => this.log.warn(m), opts.room?.diskFree, opts.room?.at);
  }

  /**
   * A fresh record in `out`, holding only `kept`: the images an earlier run
   * of the same settings finished (their files stay; their ids stay taken).
   */
  static async open(out: string, opts: RunOutputOptions, kept?: Finished): Promise<RunWriter> {
    const gallery = await GalleryLog.open(out, { fresh: true, from: kept?.record });
    const writer = new RunWriter(out, opts, gallery);
    // A shard names its images as one process over the whole list would: the earlier shards' names come first.
    for (const input of opts.earlier ?? []) writer.idFor(imageId(input));
    for (const id of kept?.ids ?? []) writer.idFor(id);
    return writer;
  }

  /**
   * Starts writing one outcome and returns once fewer than `WRITES_IN_FLIGHT`
   * writes, of fewer than `PIXELS_IN_FLIGHT` pixels, are running, so encoding
   * and writing (on the output workers and sharp's thread pool) overlap the
   * segmentation of the next images, with a bound on what waits in memory.
   */
  async write(o: SegmentOutcome): Promise<void> {
    if (this.fault) throw this.fault;
    const pixels = o.ok ? pixelsOf(o.result) : 0;
    this.pendingPixels += pixels;
    const job = this.writeOne(o).finally(() => {
      this.pending.delete(job);
      this.pendingPixels -= pixels;
    });
    this.pending.add(job);
    const bound = Math.max(1, this.opts.writesInFlight ?? WRITES_IN_FLIGHT);
    while (this.pending.size >= bound || (this.pending.size > 1 && this.pendingPixels >= PIXELS_IN_FLIGHT)) await Promise.race(this.pending);
    if (this.fault) throw this.fault;
  }

  /** Never rejects: a fault of the output folder is kept in `fault` (and thrown by the next `write` or `finish`). */
  private async writeOne(o: SegmentOutcome): Promise<void> {
    try {
      await this.writeOrSkip(o);
    } catch (e) {
      this.fault ??= outputFolderFault(this.out, e) ?? toAcsegError(e, this.out);
    }
  }

  private async writeOrSkip(o: SegmentOutcome): Promise<void> {
    if (!o.ok) {
      await this.skip(o.source, o.error.message);
      return;
    }
    const seg = o.result;
    const id = this.idFor(seg.id);
    // Said against the file's own name: a feature cache may have numbered the id already.
    const natural = imageId(seg.source);
    if (id !== natural) this.log.info(`${seg.source}: outputs named "${id}" ("${natural}" is taken by another image or an input file)`);
    const deferred = deferredRegions(seg);
    try {
      // Recorded in the gallery log once written (by the output worker).
      await this.pool.write(
        this.out,
        {
          id,
          source: seg.source,
          image: this.opts.imageOf?.(seg) ?? seg.image,
          // Not made yet (no classifier read them): made on the worker, not on this thread.
          regions: deferred ? { deferred } : seg.regions,
          labels: seg.labels,
          classNames: this.opts.classNames,
          backbone: this.opts.backbone,
          generator: this.opts.generator,
          classifier: this.opts.classifier ?? null,
        },
        { flush: this.opts.flush, overlayMaxSide: this.opts.overlayMaxSide },
        this.gallery,
      );
    } catch (e) {
      // A full disk or a read-only folder is no fault of this image: the run stops (writeOne).
      if (outputFolderFault(this.out, e)) throw e;
      await this.skip(seg.source, `writing outputs failed: ${(e as Error).message}`);
      return;
    }
    this.written++;
    await this.room?.written(this.written);
  }

  private async skip(source: string, message: string): Promise<void> {
    this.skipped.push({ source, message });
    await this.gallery.skip({ source, reason: message });
  }

  /**
   * Makes a region map on an output worker, for a classifier on the segmenting thread (StreamOptions.regions);
   * undefined without worker threads.
   */
  get regions(): ((input: UpsampleInput) => Promise<RegionMap>) | undefined {
    return this.pool.threaded ? (input) => this.pool.regions(input) : undefined;
  }

  /** Writes started and not finished yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Stops the output workers (also on failure: the command's `finally`). */
  async close(): Promise<void> {
    await this.pool.close();
  }

  /** Waits for the writes in flight, then writes `index.html` (and its pages) from the record on disk. */
  async finish(): Promise<string> {
    await Promise.all(this.pending);
    await this.close();
    if (this.fault) throw this.fault;
    // Paged through on disk: the records of 100 000 images parsed whole held ~73 MB here (peak ~250 MiB for this step).
    const page = this.gallery.index().then((items) =>
      writeGallery(this.out, {
        title: 'acseg run',
        classNames: this.opts.classNames ?? items.classNames,
        items,
        skipped: items.skipped,
        notes: [`backbone ${this.opts.backbone} → generator ${this.opts.generator}${this.opts.classifier ? ` → classifier ${this.opts.classifier}` : ''}`],
      }),
    );
    return page.catch((e: unknown) => {
      throw outputFolderFault(this.out, e) ?? e;
    });
  }
}

/** An unexpected failure while recording the run (not of one image), as the error that stops it. */
function toAcsegError(e: unknown, out: string): AcsegError {
  return isAcsegError(e) ? e : new AcsegError('BAD_INPUT', `output folder ${out}: ${(e as Error)?.message ?? String(e)}`, { file: out, cause: e });
}

/**
 * The size of a segmentation's image, without making its regions (they may be made on a worker: deferredRegions)
 * and without its features (pass 2 from a stash has none).
 */
export function imageSizeOf(seg: Segmentation): { width: number; height: number } {
  const { width, height } = deferredRegions(seg) ?? seg.regions;
  return { width, height };
}

function pixelsOf(seg: Segmentation): number {
  const { width, height } = imageSizeOf(seg);
  return width * height;
}
