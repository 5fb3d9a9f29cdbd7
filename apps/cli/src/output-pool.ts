import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { givePatchOverlap, isRgbImage, type RegionMap, type RgbImage, type UpsampleInput } from '@acseg/core';
import { resizeRgb } from '@acseg/image-io';
import { overlaySize, writeImageOutputs, type GalleryItem, type GalleryLog, type ImageOutputsOptions } from '@acseg/report';
import type { SystemFault } from './output-fault.js';
import { outputsInput, type OutputJob } from './output-prep.js';
import type { OutputReply, OutputRequest, RegionsRequest } from './output-worker.js';

/**
 * Writes images' outputs on worker threads (one less than the cores, at
 * least one), so that the overlay, PNG and thumbnail work of one image runs
 * while the main thread segments the next. From TypeScript sources (no
 * built worker file) it writes on this thread instead.
 */
export class OutputPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (item: GalleryItem) => void; reject: (e: Error) => void }>();
  private readonly waitingMaps = new Map<number, { grid: UpsampleInput['grid']; resolve: (map: RegionMap) => void; reject: (e: Error) => void }>();
  private seq = 0;
  /** Pixel buffers the workers gave back, to copy the next images into (at most SPARE_BYTES of them). */
  private readonly spare: ArrayBuffer[] = [];
  private spareBytes = 0;

  constructor(size = Math.max(1, availableParallelism() - 1)) {
    if (import.meta.url.endsWith('.ts')) return;
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./output-worker.js', import.meta.url));
      worker.on('message', (m: OutputReply) => {
        const r = this.waitingMaps.get(m.seq);
        if (r) {
          this.waitingMaps.delete(m.seq);
          if ('map' in m) {
            givePatchOverlap(m.map, r.grid, m.overlap);
            r.resolve(m.map);
          } else if ('error' in m) r.reject(new Error(m.error));
          return;
        }
        const w = this.waiting.get(m.seq);
        this.waiting.delete(m.seq);
        if ('item' in m) {
          if (m.pixels && this.spareBytes + m.pixels.byteLength <= SPARE_BYTES) {
            this.spare.push(m.pixels);
            this.spareBytes += m.pixels.byteLength;
          }
          w?.resolve(m.item);
        } else if ('error' in m) w?.reject(replyError(m));
      });
      worker.on('error', (e) => {
        for (const w of [...this.waiting.values(), ...this.waitingMaps.values()]) w.reject(e);
        this.waiting.clear();
        this.waitingMaps.clear();
      });
      this.workers.push(worker);
    }
  }

  /**
   * Writes one image's outputs, then records it in `log` (on the worker, so that this thread makes no file calls for
   * it); the job's region map, if made, moves to the worker (it is unusable here afterwards).
   */
  write(out: string, job: OutputJob, write: ImageOutputsOptions = {}, log?: GalleryLog): Promise<GalleryItem> {
    if (!this.workers.length) {
      return Promise.resolve()
        .then(() => writeImageOutputs(out, outputsInput(job), write))
        .then(async (item) => {
          await log?.add(item);
          return item;
        });
    }
    const seq = this.seq++;
    const worker = this.workers[seq % this.workers.length];
    // An image larger than its overlay is sent at the overlay's size (what writeImageOutputs would resize it to):
    // copying a 12 MP photo's 36 MB of pixels for the worker took this thread ~130 ms.
    const image = job.image;
    if (isRgbImage(image)) {
      const shown = overlaySize(image.width, image.height, write.overlayMaxSide);
      if (shown.width !== image.width || shown.height !== image.height) {
        return resizeRgb(image, shown.width, shown.height, 'lanczos3').then((small) => this.post(seq, worker, out, { ...job, image: small }, write, log));
      }
    }
    return this.post(seq, worker, out, job, write, log);
  }

  private post(seq: number, worker: Worker, out: string, job: OutputJob, write: ImageOutputsOptions, log?: GalleryLog): Promise<GalleryItem> {
    const labels = 'labels' in job.regions ? job.regions.labels : undefined;
    // Moved rather than copied when it is a whole buffer of its own (as assignmentToRegions makes it).
    const moved: ArrayBuffer[] = labels && labels.byteOffset === 0 && labels.byteLength === labels.buffer.byteLength ? [labels.buffer as ArrayBuffer] : [];
    const sent = isRgbImage(job.image) ? { ...job, image: this.movablePixels(job.image, moved) } : job;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      worker.postMessage({ seq, out, job: sent, flush: write.flush, overlayMaxSide: write.overlayMaxSide, log: log?.path } satisfies OutputRequest, moved);
    });
  }

  /** Whether there are worker threads (from TypeScript sources there are none: everything runs on this thread). */
  get threaded(): boolean {
    return this.workers.length > 0;
  }

  /**
   * One image's region map, made on a worker (the same `assignmentToRegions`; its labels come back moved, not
   * copied), with its `regionPatchOverlap` for the assignment's grid (`givePatchOverlap`), so that the thread that
   * asked goes on meanwhile. Only with workers (`threaded`).
   */
  regions(input: UpsampleInput): Promise<RegionMap> {
    const seq = this.seq++;
    const worker = this.workers[seq % this.workers.length];
    return new Promise((resolve, reject) => {
      this.waitingMaps.set(seq, { grid: input.grid, resolve, reject });
      worker.postMessage({ seq, regions: input } satisfies RegionsRequest);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
    this.spare.length = 0;
    this.spareBytes = 0;
  }

  /**
   * The image with its pixels in a buffer of their own, listed in `moved`. A decoded image's pixels are sharp's
   * (memory V8 cannot hand to another thread): a structured clone of a 480×360 frame cost 0.6–1.5 ms of CPU
   * (serialised, then copied again on the worker), a copy moved to the worker ~0.35 (2 000 CamVid frames posted to a
   * worker, two runs each). The copy goes into a buffer a worker gave back when one of that size is spare: 14 µs
   * against 70–290 for a fresh 518 KB buffer (mapped and zeroed by the kernel, and counted toward V8's next full
   * collection). The caller's image keeps its own pixels.
   */
  private movablePixels(image: RgbImage, moved: ArrayBuffer[]): RgbImage {
    const n = image.data.length;
    const at = this.spare.findLastIndex((b) => b.byteLength === n);
    let data: Uint8Array;
    if (at >= 0) {
      const [buffer] = this.spare.splice(at, 1);
      this.spareBytes -= n;
      data = new Uint8Array(buffer);
      data.set(image.data);
    } else data = new Uint8Array(image.data);
    moved.push(data.buffer as ArrayBuffer);
    return { ...image, data };
  }
}

/** A worker's failure as an Error here, with its system error's code and path (as fs errors carry them). */
function replyError(m: { error: string; fault?: SystemFault }): Error {
  const e = new Error(m.error) as NodeJS.ErrnoException;
  if (m.fault) Object.assign(e, { code: m.fault.code, syscall: m.fault.syscall ?? 'unknown', path: m.fault.path });
  return e;
}

/** Pixel buffers kept for reuse at most (~60 CamVid frames; a 12 MP photo's is 36 MB, so it is not kept). */
const SPARE_BYTES = 32 * 2 ** 20;
