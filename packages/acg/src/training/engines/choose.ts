import { AcsegError, type Logger } from '@acseg/core';
import { onnxRuntimeError } from '@acseg/onnx-runtime';
import type { AcgOptions, AcgRuntime } from '../../options.js';
import { ensureBackend } from '../../tf/backend.js';
import type { TfAcg } from '../../tf/runtime.js';
import type { TrainingEngine, TrainingEngineSpec } from './types.js';

/** The engines by name, as option `trainRuntime` names them; a module is imported only when its engine is chosen. */
export const TRAINING_ENGINES: Readonly<Record<AcgRuntime, () => Promise<TrainingEngineSpec>>> = {
  tfjs: async () => (await import('./tfjs.js')).tfjsEngine,
  onnx: async () => (await import('./onnx.js')).onnxEngine,
};

/**
 * The training engine (option `trainRuntime`): unset picks a native TF.js backend (tfjs-node / tfjs-node-gpu,
 * where installed), else onnxruntime-node where it loads (≈ 6× a TF.js WASM step here, bench/speed.ts), else TF.js
 * WASM with `workers` threads. Logs one line saying which engine trains and why (the TF.js backend itself is a
 * debug line: with onnxruntime training it only holds the weights).
 */
export async function startTrainingEngine(model: TfAcg, o: AcgOptions, log: Logger): Promise<TrainingEngine> {
  const want = o.trainRuntime;
  const backend = await ensureBackend(log);
  if (want === 'onnx' || (want === undefined && backend !== 'tensorflow')) {
    const onnx = await TRAINING_ENGINES.onnx();
    if ((await onnx.unavailable()) === undefined) {
      const why = want ? 'option trainRuntime: onnx' : `no native TF.js backend here, only ${backend}, which is slower; option trainRuntime: tfjs trains on it`;
      return onnx.start(model, o, log, why);
    }
    if (want === 'onnx') {
      throw new AcsegError('BAD_CONFIG', `acg: option trainRuntime "onnx" but onnxruntime-node cannot load: ${onnxRuntimeError() ?? 'unknown reason'}`, {
        plugin: '@acseg/acg',
        hint: 'install onnxruntime-node 1.30 with its native binding, or use trainRuntime "tfjs"',
      });
    }
  }
  const why =
    want === 'tfjs'
      ? 'option trainRuntime: tfjs'
      : backend === 'tensorflow'
        ? 'a native TF.js backend is installed'
        : `onnxruntime-node cannot load: ${onnxRuntimeError() ?? 'unknown reason'}`;
  return (await TRAINING_ENGINES.tfjs()).start(model, o, log, why);
}
