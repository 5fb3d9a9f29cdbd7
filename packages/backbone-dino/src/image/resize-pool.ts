import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { resizeNormalize, type Raster } from './resize.js';
import type { ResizeReply, ResizeRequest } from './resize-worker.js';

interface Slot {
  worker: Worker;
  pending: number;
}

/**
 * `resizeNormalize` on worker threads. onnxruntime-node's `run` blocks the JavaScript thread while the ViT runs
 * (microsoft/onnxruntime#19611), so a resize on that thread waits for the inference and the inference for the resize;
 * on a worker the next batch is resized while this one runs. Same function, same floats (tested through the built
 * CLI). From TypeScript sources (no built worker file), or with `size` 0, it resizes on the calling thread. Idle
 * workers do not keep the process alive.
 */
export class ResizePool {
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, { slot: Slot; resolve: (p: Float32Array) => void; reject: (e: Error) => void }>();
  private seq = 0;

  constructor(size = Math.min(2, Math.max(1, availableParallelism() - 1))) {
    if (size < 1 || import.meta.url.endsWith('.ts')) return;
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./resize-worker.js', import.meta.url));
      const slot: Slot = { worker, pending: 0 };
      worker.on('message', (m: ResizeReply) => this.settle(m));
      // A worker that fails or exits is dropped: its jobs and later ones go to the others (or this thread).
      worker.on('error', (e) => this.drop(slot, e));
      worker.on('exit', (code) => this.drop(slot, new Error(`backbone-dino: a resize worker exited (code ${code})`)));
      worker.unref();
      this.slots.push(slot);
    }
  }

  /** Worker threads (0: resizing on the calling thread). */
  get threads(): number {
    return this.slots.length;
  }

  /** The workers, for tests that stop one. */
  get workers(): readonly Worker[] {
    return this.slots.map((s) => s.worker);
  }

  /** The image resized to height × width and normalized, channel-first (3·H·W floats). */
  resize(image: Raster, height: number, width: number): Promise<Float32Array> {
    const here = () => {
      const pixels = new Float32Array(3 * height * width);
      resizeNormalize(image, { height, width }, pixels);
      return pixels;
    };
    if (!this.slots.length) return Promise.resolve().then(here);
    // A job whose worker died is done here (a resize that throws here too fails for this image only).
    return this.post(image, height, width).catch(here);
  }

  private post(image: Raster, height: number, width: number): Promise<Float32Array> {
    const slot = this.slots.reduce((a, b) => (b.pending < a.pending ? b : a));
    const seq = this.seq++;
    // A worker with work keeps the process alive until it answers.
    if (slot.pending++ === 0) slot.worker.ref();
    // Only the image's own bytes cross (a view of a larger buffer would copy all of it).
    const whole = image.data.byteOffset === 0 && image.data.byteLength === image.data.buffer.byteLength;
    const raster: Raster = { width: image.width, height: image.height, data: whole ? image.data : image.data.slice() };
    return new Promise<Float32Array>((resolve, reject) => {
      this.waiting.set(seq, { slot, resolve, reject });
      slot.worker.postMessage({ seq, image: raster, height, width } satisfies ResizeRequest);
    });
  }

  private drop(slot: Slot, e: Error): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    for (const [seq, w] of this.waiting) {
      if (w.slot !== slot) continue;
      this.waiting.delete(seq);
      w.reject(e);
    }
  }

  private settle(m: ResizeReply): void {
    const w = this.waiting.get(m.seq);
    if (!w) return;
    this.waiting.delete(m.seq);
    if (--w.slot.pending === 0) w.slot.worker.unref();
    if ('pixels' in m) w.resolve(m.pixels);
    else w.reject(new Error(m.error));
  }

  async dispose(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
    for (const w of this.waiting.values()) w.reject(new Error('backbone-dino: disposed while resizing'));
    this.waiting.clear();
  }
}
