import { definePlugin, PLUGIN_API_VERSION } from '@acseg/core';
import { AcgGenerator } from './inference/generator.js';

// `@acseg/acg`: what a user of a trained ACG needs (the generator, its options, checkpoints, the inference graphs).
// Training (engines, restarts, EMA, schedules) is `@acseg/acg/train` (src/training/index.ts).
export { AcgGenerator } from './inference/generator.js';
export { ACG_DEFAULTS, parseAcgOptions, type AcgOptions, type AcgPrecision, type AcgRuntime, type LrSchedule } from './options.js';
export { buildAcgOnnx, ACG_IO, ACG_ONNX_FORMAT, type CrossAttentionForm } from './inference/onnx/build.js';
export { OnnxAcg, loadOnnxRuntime, type OnnxPrediction } from './inference/onnx/session.js';
export { mergeNearDuplicateConcepts } from './inference/merge.js';
export { makeConfig, paramSpecs, DEFAULT_CONFIG, type AcgConfig, type ParamSpec, type ParamValues } from './model/config.js';
export { initParams } from './model/init.js';
export { loadCheckpoint, saveCheckpoint, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type Checkpoint, type TrainingState } from './checkpoint/checkpoint.js';
export { checkpointFolderContents, type CheckpointFolderContents } from './checkpoint/folder.js';
export { ensureBackend } from './tf/backend.js';
export { TfAcg, type Formulation, type Prediction } from './tf/runtime.js';

export const VERSION = '0.1.0';

export default definePlugin({
  name: '@acseg/acg',
  version: VERSION,
  apiVersion: PLUGIN_API_VERSION,
  register(c) {
    c.generator('acg', {
      description: 'Adaptive Concept Generator (ACSeg): learned prototypes → per-image concepts, adaptive count; options k, steps, heads, ffn, seed, checkpoint, iterations, batchSize, lr, weightDecay, checkpointEvery, workers, runtime (tfjs | onnx), warmup, schedule, precision, mergeThreshold, ema, restarts',
      async create(options, ctx) {
        const gen = new AcgGenerator(options, ctx.log);
        if (gen.options.checkpoint) await gen.load(gen.options.checkpoint);
        return gen;
      },
    });
  },
});
