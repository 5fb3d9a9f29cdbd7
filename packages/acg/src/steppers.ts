import { availableParallelism } from 'node:os';
import { AcsegError, type Logger } from '@acseg/core';
import type { AcgOptions } from './options.js';
import { loadOnnxRuntime, onnxRuntimeError } from './onnx/session.js';
import { OnnxGradients } from './onnx/trainer.js';
import { AdamWThread } from './tf/adamw-thread.js';
import { ensureBackend } from './tf/backend.js';
import { flatViews } from './tf/grad.js';
import { GradientPool } from './tf/pool.js';
import type { StepResult, TfAcg } from './tf/runtime.js';

/** One training step's engine: gradients of a batch at the model's master weights, then the model's AdamW update. */
export interface Stepper {
  step(tokens: readonly Float32Array[], n: number): Promise<StepResult>;
  close(): Promise<void>;
}

/**
 * Gradients from the forward + backward ONNX graph on onnxruntime-node; the model's JS AdamW applies them, with
 * half of the update on a helper thread (onnxruntime's threads are idle meanwhile).
 */
class OnnxStepper implements Stepper {
  private readonly flat: Float32Array;
  private readonly grads: Map<string, Float32Array>;

  private constructor(private readonly model: TfAcg, private readonly engine: OnnxGradients, buffer: SharedArrayBuffer, readonly thread: AdamWThread | undefined) {
    this.flat = new Float32Array(buffer);
    this.grads = flatViews(model.layout, buffer);
  }

  static async start(model: TfAcg, engine: OnnxGradients, log: Logger): Promise<OnnxStepper> {
    const buffer = new SharedArrayBuffer(model.layout.total * 4);
    let thread: AdamWThread | undefined;
    if (availableParallelism() > 1) {
      try {
        thread = await AdamWThread.start({ params: model.master, grads: buffer, ...model.optimizerBuffers() });
      } catch (e) {
        log.warn(`acg: no AdamW helper thread (${(e as Error).message.split('\n')[0]}); AdamW runs in this thread`);
      }
    }
    return new OnnxStepper(model, engine, buffer, thread);
  }

  async step(tokens: readonly Float32Array[], n: number): Promise<StepResult> {
    const r = await this.engine.gradients(tokens, n, this.model.masterParams(), this.grads);
    if (r.finite) await this.model.applyFlatGradients(this.flat, this.thread);
    return r;
  }

  async close(): Promise<void> {
    await this.thread?.close();
    await this.engine.dispose();
  }
}

/**
 * The training engine (option `trainRuntime`): unset picks a native TF.js backend (tfjs-node / tfjs-node-gpu,
 * where installed), else onnxruntime-node where it loads (≈ 6× a TF.js WASM step here, bench/speed.ts), else TF.js WASM with `workers`
 * threads. Logs one line saying which engine trains and why (the TF.js backend itself is a debug line: with
 * onnxruntime training it only holds the weights).
 */
export async function startStepper(model: TfAcg, o: AcgOptions, log: Logger): Promise<Stepper> {
  const want = o.trainRuntime;
  const backend = await ensureBackend(log);
  if (want === 'onnx' || (want === undefined && backend !== 'tensorflow')) {
    const ort = await loadOnnxRuntime();
    if (ort) {
      const engine = await OnnxGradients.create(model.config);
      const stepper = await OnnxStepper.start(model, engine, log);
      const why = want ? 'option trainRuntime: onnx' : `no native TF.js backend here, only ${backend}, which is slower; option trainRuntime: tfjs trains on it`;
      log.info(`acg: training on onnxruntime-node ${ort.env.versions.common} (CPU, gradients from the forward + backward graph, AdamW in JS on ${stepper.thread ? 2 : 1} thread${stepper.thread ? 's' : ''}; ${why})`);
      return stepper;
    }
    if (want === 'onnx') {
      throw new AcsegError('BAD_CONFIG', `acg: option trainRuntime "onnx" but onnxruntime-node cannot load: ${onnxRuntimeError() ?? 'unknown reason'}`, {
        plugin: '@acseg/acg', hint: 'install onnxruntime-node 1.30 with its native binding, or use trainRuntime "tfjs"',
      });
    }
  }
  const why = want === 'tfjs' ? 'option trainRuntime: tfjs'
    : backend === 'tensorflow' ? 'a native TF.js backend is installed'
      : `onnxruntime-node cannot load: ${onnxRuntimeError() ?? 'unknown reason'}`;
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
}

