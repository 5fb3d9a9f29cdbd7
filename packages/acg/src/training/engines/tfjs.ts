import { ensureBackend } from '../../tf/backend.js';
import type { TrainingEngineSpec } from './types.js';
import { GradientPool } from '../threads/pool.js';

/**
 * TF.js autodiff (the design's engine, and the one a native backend, tfjs-node or tfjs-node-gpu, accelerates):
 * with `workers` > 1 a data-parallel GradientPool of worker threads, else in this thread.
 */
export const tfjsEngine: TrainingEngineSpec = {
  name: 'tfjs',
  unavailable: () => Promise.resolve(undefined),
  async start(model, o, log, why) {
    const backend = await ensureBackend(log);
    const threads = Math.min(o.workers, o.batchSize);
    if (threads > 1) {
      try {
        const pool = await GradientPool.start(model, threads);
        log.info(`acg: training on TF.js (${backend}), ${threads} worker threads, ${Math.ceil(o.batchSize / threads)} images each per step (${why})`);
        return { step: (tokens, n) => pool.step(tokens, n), close: () => pool.close() };
      } catch (e) {
        log.warn(`acg: worker threads unavailable (${(e as Error).message.split('\n')[0]}); training in one thread`);
      }
    }
    log.info(`acg: training on TF.js (${backend}), in this thread (${why})`);
    return { step: (tokens, n) => Promise.resolve(model.step(tokens, n)), close: () => Promise.resolve() };
  },
};
