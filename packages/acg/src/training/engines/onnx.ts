import { availableParallelism } from 'node:os';
import type { Logger } from '@acseg/core';
import { loadOnnxRuntime, onnxRuntimeError } from '@acseg/onnx-runtime';
import { flatViews } from '../../tf/grad.js';
import type { StepResult, TfAcg } from '../../tf/runtime.js';
import type { TrainingEngine, TrainingEngineSpec } from './types.js';
import { OnnxGradients } from '../onnx/trainer.js';
import { AdamWThread } from '../threads/adamw-thread.js';

/**
 * Gradients from the forward + backward ONNX graph on onnxruntime-node; the model's JS AdamW applies them, with
 * half of the update on a helper thread (onnxruntime's threads are idle meanwhile).
 */
class OnnxEngine implements TrainingEngine {
  private readonly flat: Float32Array;
  private readonly grads: Map<string, Float32Array>;

  private constructor(
    private readonly model: TfAcg,
    private readonly engine: OnnxGradients,
    buffer: SharedArrayBuffer,
    readonly thread: AdamWThread | undefined,
  ) {
    this.flat = new Float32Array(buffer);
    this.grads = flatViews(model.layout, buffer);
  }

  static async start(model: TfAcg, engine: OnnxGradients, log: Logger): Promise<OnnxEngine> {
    const buffer = new SharedArrayBuffer(model.layout.total * 4);
    let thread: AdamWThread | undefined;
    if (availableParallelism() > 1) {
      try {
        thread = await AdamWThread.start({ params: model.master, grads: buffer, ...model.optimizerBuffers() });
      } catch (e) {
        log.warn(`acg: no AdamW helper thread (${(e as Error).message.split('\n')[0]}); AdamW runs in this thread`);
      }
    }
    return new OnnxEngine(model, engine, buffer, thread);
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

/** The ONNX tape engine (src/training/onnx/): the faster one on CPU where no native TF.js backend is installed. */
export const onnxEngine: TrainingEngineSpec = {
  name: 'onnx',
  async unavailable() {
    return (await loadOnnxRuntime()) ? undefined : (onnxRuntimeError() ?? 'unknown reason');
  },
  async start(model, options, log, why) {
    const ort = await loadOnnxRuntime();
    if (!ort) throw new Error(`onnxruntime-node cannot load: ${onnxRuntimeError() ?? 'unknown reason'}`);
    const engine = await OnnxEngine.start(model, await OnnxGradients.create(model.config, { memoryArena: options.trainArena }), log);
    log.info(
      `acg: training on onnxruntime-node ${ort.env.versions.common} (CPU, gradients from the forward + backward graph, AdamW in JS on ${engine.thread ? 2 : 1} thread${engine.thread ? 's' : ''}; ${why})`,
    );
    return engine;
  },
};
