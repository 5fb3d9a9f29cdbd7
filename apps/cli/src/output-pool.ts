import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { writeImageOutputs, type GalleryItem, type ImageOutputsInput } from '@acseg/report';
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

  write(out: string, input: ImageOutputsInput): Promise<GalleryItem> {
    if (!this.workers.length) return writeImageOutputs(out, input);
    const seq = this.seq++;
    const worker = this.workers[seq % this.workers.length];
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      // The class map moves to the worker rather than being copied.
      worker.postMessage({ seq, out, input } satisfies OutputRequest, [input.classMap.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}
