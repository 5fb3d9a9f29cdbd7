/**
 * A helper thread for AdamW (adamw-thread.ts): updates the requested range of the flat parameters with
 * the flat gradients and moments, all SharedArrayBuffers shared with the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { adamwRange, type AdamWStep } from '../../tf/adamw.js';

export interface AdamWWorkerInit {
  params: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  m: SharedArrayBuffer;
  v: SharedArrayBuffer;
}
export type AdamWWorkerRequest = { type: 'update'; lo: number; hi: number; step: AdamWStep } | { type: 'close' };

const port = parentPort;
if (!port) throw new Error('acg AdamW worker: must run in a worker thread');
const init = workerData as AdamWWorkerInit;
const [p, g, m, v] = [init.params, init.grads, init.m, init.v].map((b) => new Float32Array(b));
port.on('message', (msg: AdamWWorkerRequest) => {
  if (msg.type === 'close') {
    port.close();
    return;
  }
  adamwRange(p, g, m, v, msg.lo, msg.hi, msg.step);
  port.postMessage('done');
});
port.postMessage('ready');
