import * as tf from '@tensorflow/tfjs-core';
import type { Logger } from '@acseg/core';

/**
 * Picks the fastest TF.js backend that works here, once per process:
 * @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node (both optional peer
 * dependencies, imported dynamically), then WASM, then the pure-JS CPU
 * backend. ACSEG_TF_BACKEND=wasm|cpu|tensorflow forces one.
 */
let chosen: Promise<string> | undefined;

async function works(): Promise<boolean> {
  const t = tf.add(tf.scalar(1), tf.scalar(1));
  const v = (await t.data())[0];
  t.dispose();
  return v === 2;
}

async function tryNative(pkg: string, log: Logger): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ pkg);
    if (!(await tf.setBackend('tensorflow'))) return false;
    return await works();
  } catch (e) {
    log.debug(`TF.js: ${pkg} not usable (${(e as Error).message.split('\n')[0]})`);
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    return (await tf.setBackend('wasm')) && (await works());
  } catch {
    return false;
  }
}

async function tryCpu(): Promise<boolean> {
  await import('@tensorflow/tfjs-backend-cpu');
  return (await tf.setBackend('cpu')) && (await works());
}

async function pick(log: Logger): Promise<string> {
  const forced = process.env.ACSEG_TF_BACKEND;
  const order: Array<[string, () => Promise<boolean>]> = [
    ['tensorflow (tfjs-node-gpu)', () => tryNative('@tensorflow/tfjs-node-gpu', log)],
    ['tensorflow (tfjs-node)', () => tryNative('@tensorflow/tfjs-node', log)],
    ['wasm', tryWasm],
    ['cpu', tryCpu],
  ];
  for (const [name, attempt] of order) {
    if (forced && !name.startsWith(forced)) continue;
    if (await attempt()) {
      // A debug line: the engine lines of training and inference say which engine runs, and why.
      log.debug(`TF.js backend: ${name}`);
      return tf.getBackend();
    }
  }
  throw new Error(`no TF.js backend could be initialised${forced ? ` (ACSEG_TF_BACKEND=${forced})` : ''}`);
}

export function ensureBackend(log: Logger): Promise<string> {
  chosen ??= pick(log);
  return chosen;
}
