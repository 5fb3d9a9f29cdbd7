// `@acseg/acg`: what a user of a trained ACG needs (the generator, its options, checkpoints, the inference graphs).
// Training (engines, restarts, EMA, schedules) is `@acseg/acg/train` (src/training/index.ts).
export { AcgGenerator } from './inference/generator.js';
export { ACG_DEFAULTS, ACG_SCHEMA, parseAcgOptions, type AcgOptions, type AcgPrecision, type AcgRuntime, type LrSchedule } from './options.js';
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

export { default } from './plugin.js';
