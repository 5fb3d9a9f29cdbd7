import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { isRgbImage, type RgbImage } from '@acseg/core';
import { writeImageOutputs, type GalleryItem, type WriteOptions } from '@acseg/report';
import { outputsInput, type OutputJob } from './output-prep.js';
import type { OutputReply, OutputRequest } from './output-worker.js';

/**
 * Writes images' outputs on worker threads (one less than the cores, at
 * least one), so that the overlay, PNG and thumbnail work of one image runs
 * while the main thread segments the next. From TypeScript sources (no
 * built worker file) it writes on this thread instead.
 */
export class OutputPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (item: GalleryItem) => void; reject: (e: Error) => void }>();
  private seq = 0;

  constructor(size = Math.max(1, availableParallelism() - 1)) {
    if (import.meta.url.endsWith('.ts')) return;
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./output-worker.js', import.meta.url));
      worker.on('message', (m: OutputReply) => {
        const w = this.waiting.get(m.seq);
        this.waiting.delete(m.seq);
        if ('item' in m) w?.resolve(m.item);
        else w?.reject(new Error(m.error));
      });
      worker.on('error', (e) => {
        for (const w of this.waiting.values()) w.reject(e);
        this.waiting.clear();
      });
      this.workers.push(worker);
    }
  }

  /** Writes one image's outputs; the job's region map, if made, moves to the worker (it is unusable here afterwards). */
  write(out: string, job: OutputJob, write: WriteOptions = {}): Promise<GalleryItem> {
    if (!this.workers.length) return Promise.resolve().then(() => writeImageOutputs(out, outputsInput(job), write));
    const seq = this.seq++;
    const worker = this.workers[seq % this.workers.length];
    const labels = 'labels' in job.regions ? job.regions.labels : undefined;
    // Moved rather than copied when it is a whole buffer of its own (as assignmentToRegions makes it).
    const moved: ArrayBuffer[] = labels && labels.byteOffset === 0 && labels.byteLength === labels.buffer.byteLength ? [labels.buffer as ArrayBuffer] : [];
    const sent = isRgbImage(job.image) ? { ...job, image: movablePixels(job.image, moved) } : job;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      worker.postMessage({ seq, out, job: sent, flush: write.flush } satisfies OutputRequest, moved);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}

/**
 * The image with its pixels in a buffer of their own, listed in `moved`. A decoded image's pixels are sharp's
 * (memory V8 cannot hand to another thread): a structured clone of a 480×360 frame cost 0.6–1.5 ms of CPU (serialised,
 * then copied again on the worker), a copy moved to the worker ~0.35 (2 000 CamVid frames posted to a worker, two
 * runs each). The caller's image keeps its own pixels.
 */
function movablePixels(image: RgbImage, moved: ArrayBuffer[]): RgbImage {
  const data = new Uint8Array(image.data);
  moved.push(data.buffer);
  return { ...image, data };
}
