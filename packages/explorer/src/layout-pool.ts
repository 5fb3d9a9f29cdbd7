import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { patchLayout, type LayoutOptions } from './layout.js';
import type { LayoutReply, LayoutRequest } from './layout-worker.js';

/**
 * Concept-map layouts on worker threads, one per core, each given one image
 * at a time. From TypeScript sources (no built worker file) it lays out on
 * this thread instead. The same seed gives the same layout either way (the
 * same code on the same engine).
 */
export class LayoutPool {
  private readonly idle: Worker[] = [];
  private readonly queue: Array<(w: Worker) => void> = [];
  private readonly waiting = new Map<number, { resolve: (xy: Float32Array | undefined) => void; reject: (e: Error) => void }>();
  private readonly all: Worker[] = [];
  private seq = 0;

  constructor(size = availableParallelism()) {
    if (import.meta.url.endsWith('.ts')) return;
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./layout-worker.js', import.meta.url));
      worker.on('message', (m: LayoutReply) => {
        const w = this.waiting.get(m.seq);
        this.waiting.delete(m.seq);
        if ('error' in m) w?.reject(new Error(m.error));
        else w?.resolve(m.xy);
        this.release(worker);
      });
      worker.on('error', (e) => {
        for (const w of this.waiting.values()) w.reject(e);
        this.waiting.clear();
      });
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  /** How many layouts can run at once (1 on this thread). */
  get size(): number {
    return Math.max(1, this.all.length);
  }

  async layout(tokens: Float32Array, n: number, d: number, opts: LayoutOptions): Promise<Float32Array | undefined> {
    if (!this.all.length) return patchLayout(tokens, n, d, opts);
    const worker = this.idle.pop() ?? (await new Promise<Worker>((ok) => this.queue.push(ok)));
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      worker.postMessage({ seq, tokens, n, d, opts } satisfies LayoutRequest);
    });
  }

  private release(worker: Worker): void {
    const next = this.queue.shift();
    if (next) next(worker);
    else this.idle.push(worker);
  }

  async close(): Promise<void> {
    await Promise.all(this.all.splice(0).map((w) => w.terminate()));
    this.idle.length = 0;
  }
}
