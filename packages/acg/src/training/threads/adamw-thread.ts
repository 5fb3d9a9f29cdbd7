import type { Worker } from 'node:worker_threads';
import type { AdamWStep } from '../../tf/adamw.js';
import type { AdamWWorkerInit, AdamWWorkerRequest } from './adamw-worker.js';
import { spawnWorker } from './spawn.js';

/**
 * A second thread for the AdamW update (≈ 80 ms on one core for the 18 M weights, a third of an ONNX training
 * step): it updates the upper part of the flat buffers while the caller updates the lower part, during the time
 * onnxruntime's threads are idle anyway.
 */
export class AdamWThread {
  private waiting: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', () => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.resolve();
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => {
      if (code !== 0) this.fail(new Error(`acg AdamW thread exited with code ${code}`));
    });
  }

  static async start(init: AdamWWorkerInit): Promise<AdamWThread> {
    const worker = spawnWorker('adamw-worker', init);
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return new AdamWThread(worker);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(e);
  }

  /** Updates [lo, hi) on the thread. */
  update(lo: number, hi: number, step: AdamWStep): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiting) return Promise.reject(new Error('AdamWThread.update: an update is already running'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage({ type: 'update', lo, hi, step } satisfies AdamWWorkerRequest);
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage({ type: 'close' } satisfies AdamWWorkerRequest);
    await this.worker.terminate();
  }
}
