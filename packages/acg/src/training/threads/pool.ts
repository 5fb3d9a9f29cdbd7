import type { Worker } from 'node:worker_threads';
import { flatViews } from '../../tf/grad.js';
import type { TfAcg } from '../../tf/runtime.js';
import { spawnWorker } from './spawn.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker.js';

/** The first `len` values as an array that owns its buffer (postMessage copies whole buffers). */
function own(t: Float32Array, len: number): Float32Array {
  return t.byteOffset === 0 && t.buffer.byteLength === len * 4 ? t : t.slice(0, len);
}

/**
 * Data-parallel gradients on worker threads (method notes §2: TF.js WASM is single-threaded in Node, so each
 * worker runs its own backend): the batch is split into contiguous shares (worker w gets images
 * [⌊wB/W⌋, ⌊(w+1)B/W⌋)), each worker returns its share's loss and gradients times B_w / B, and they are summed
 * in worker order, so the result is the full batch's mean, deterministic for a given worker count.
 * The weights travel through the model's shared master buffer; gradients through one shared buffer per worker.
 */
export class GradientPool {
  private readonly workers: Worker[] = [];
  private readonly gradViews: Array<Map<string, Float32Array>> = [];
  private readonly pending = new Map<number, { resolve: (r: { loss: number; finite: boolean }) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;

  private constructor(
    readonly model: TfAcg,
    readonly size: number,
  ) {}

  static async start(model: TfAcg, size: number): Promise<GradientPool> {
    const pool = new GradientPool(model, size);
    const values = model.exportParams();
    const ready: Array<Promise<void>> = [];
    for (let w = 0; w < size; w++) {
      const grads = new SharedArrayBuffer(model.layout.total * 4);
      pool.gradViews.push(flatViews(model.layout, grads));
      const init: WorkerInit = { config: model.config, formulation: model.formulation, layout: model.layout, master: model.master, grads, values };
      const worker = spawnWorker('worker', init);
      pool.workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once('message', (m: WorkerReply) =>
            m.type === 'ready' ? resolve() : reject(new Error(`acg worker ${w}: ${m.type === 'error' ? m.message : 'unexpected reply'}`)),
          );
          worker.once('error', reject);
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await pool.close();
      throw e;
    }
    for (const worker of pool.workers) {
      worker.on('message', (m: WorkerReply) => pool.onReply(m));
      worker.on('error', (e) => pool.fail(e));
      worker.on('exit', (code) => {
        if (code !== 0) pool.fail(new Error(`acg worker exited with code ${code}`));
      });
    }
    return pool;
  }

  private onReply(m: WorkerReply): void {
    if (m.type === 'ready') return;
    const p = m.id === undefined ? undefined : this.pending.get(m.id);
    if (!p) {
      if (m.type === 'error') this.fail(new Error(m.message));
      return;
    }
    this.pending.delete(m.id as number);
    if (m.type === 'error') p.reject(new Error(`acg worker: ${m.message}`));
    else p.resolve({ loss: m.loss, finite: m.finite });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private request(w: number, msg: Omit<Extract<WorkerRequest, { type: 'grad' }>, 'id'>): Promise<{ loss: number; finite: boolean }> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[w].postMessage({ ...msg, id } satisfies WorkerRequest);
    });
  }

  /**
   * Loss and gradients (TF.js layout) of the batch at the model's current master weights. The returned arrays
   * are the first worker's buffer, valid until the next call.
   */
  async gradients(tokens: readonly Float32Array[], n: number): Promise<{ loss: number; finite: boolean; grads: ReadonlyMap<string, Float32Array> }> {
    const B = tokens.length;
    const shares: Array<Promise<{ loss: number; finite: boolean }>> = [];
    for (let w = 0; w < this.size; w++) {
      const lo = Math.floor((w * B) / this.size);
      const hi = Math.floor(((w + 1) * B) / this.size);
      if (hi === lo) {
        for (const g of this.gradViews[w].values()) g.fill(0);
        shares.push(Promise.resolve({ loss: 0, finite: true }));
      } else {
        shares.push(this.request(w, { type: 'grad', tokens: tokens.slice(lo, hi).map((t) => own(t, n * this.model.config.dim)), n, weight: (hi - lo) / B }));
      }
    }
    const parts = await Promise.all(shares);
    const sum = this.gradViews[0];
    for (let w = 1; w < this.size; w++) {
      for (const [name, g] of this.gradViews[w]) {
        const s = sum.get(name) as Float32Array;
        for (let i = 0; i < s.length; i++) s[i] += g[i];
      }
    }
    let loss = 0;
    for (const p of parts) loss += p.loss;
    return { loss, finite: parts.every((p) => p.finite) && Number.isFinite(loss), grads: sum };
  }

  /** One data-parallel AdamW step: gradients on the workers, the update on the model's master weights. */
  async step(tokens: readonly Float32Array[], n: number): Promise<{ loss: number; finite: boolean }> {
    const r = await this.gradients(tokens, n);
    if (r.finite) this.model.applyGradients(r.grads);
    return { loss: r.loss, finite: r.finite };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        w.postMessage({ type: 'close' } satisfies WorkerRequest);
        await w.terminate();
      }),
    );
    this.workers.length = 0;
  }
}
