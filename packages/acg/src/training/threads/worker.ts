/**
 * A training worker thread (pool.ts): its own TF.js backend and copy of the ACG; per step it reads the
 * master weights from the shared buffer, computes the loss and gradients of its share of the batch and writes
 * them into its gradient buffer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { silentLogger } from '@acseg/core';
import type { AcgConfig, ParamValues } from '../../model/config.js';
import { ensureBackend } from '../../tf/backend.js';
import { flatViews, gradientsInto, type FlatLayout } from '../../tf/grad.js';
import { AcgParams, type Formulation } from '../../tf/model.js';

export interface WorkerInit {
  config: AcgConfig;
  formulation: Formulation;
  layout: FlatLayout;
  master: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  /** Initial weights (PyTorch layout), only to build the variables; the master buffer is read before each step. */
  values: ParamValues;
}

export type WorkerRequest = { type: 'grad'; id: number; tokens: Float32Array[]; n: number; weight: number } | { type: 'close' };
export type WorkerReply =
  { type: 'ready'; backend: string } | { type: 'grad'; id: number; loss: number; finite: boolean } | { type: 'error'; id?: number; message: string };

const port = parentPort;
if (!port) throw new Error('acg worker: must run in a worker thread');
const init = workerData as WorkerInit;
try {
  const backend = await ensureBackend(silentLogger);
  const params = new AcgParams(init.config, init.values);
  const master = flatViews(init.layout, init.master);
  const grads = flatViews(init.layout, init.grads);
  port.on('message', (msg: WorkerRequest) => {
    if (msg.type === 'close') {
      params.dispose();
      port.close();
      return;
    }
    try {
      params.assignTf(master);
      const r = gradientsInto(params, msg.tokens, msg.n, init.formulation, msg.weight, grads);
      port.postMessage({ type: 'grad', id: msg.id, ...r } satisfies WorkerReply);
    } catch (e) {
      port.postMessage({ type: 'error', id: msg.id, message: (e as Error).message } satisfies WorkerReply);
    }
  });
  port.postMessage({ type: 'ready', backend } satisfies WorkerReply);
} catch (e) {
  port.postMessage({ type: 'error', message: (e as Error).message } satisfies WorkerReply);
}
