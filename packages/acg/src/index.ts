export { AcgGenerator } from './generator.js';
export { ACG_DEFAULTS, ACG_SCHEMA, parseAcgOptions, type AcgOptions, type AcgPrecision, type AcgRuntime } from './options.js';
export { buildAcgOnnx, ACG_IO, ACG_ONNX_FORMAT, type CrossAttentionForm } from './onnx/build.js';
export { OnnxAcg, loadOnnxRuntime, type OnnxPrediction } from './onnx/session.js';
export { makeConfig, paramSpecs, DEFAULT_CONFIG, type AcgConfig, type ParamSpec, type ParamValues } from './config.js';
export { initParams } from './init.js';
export { loadCheckpoint, saveCheckpoint, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type Checkpoint, type TrainingState } from './checkpoint.js';
export { checkpointFolderContents, type CheckpointFolderContents } from './checkpoint-files.js';
export { batchIndices, type AcgFitOptions, type AcgFitReport } from './train.js';
export { mergeNearDuplicateConcepts } from './merge.js';
export { WeightAverage } from './ema.js';
export { heldInLoss, trainWithRestarts, type AcgRestartsReport, type RestartResult } from './restarts.js';
export { learningRateAt, type LrSchedule, type ScheduleOptions } from './schedule.js';
export { modularityLoss, modularityWeights } from './tf/loss.js';
export { ensureBackend } from './tf/backend.js';
export { syntheticImages, conceptPool, plantRegions, matchedIoU, SYNTHETIC_DEFAULTS, type SyntheticImage, type SyntheticOptions } from './synthetic.js';
export { syntheticImagesB, hierarchicalPool, sceneRegions, smoothField, SYNTHETIC_B_DEFAULTS, type SyntheticBOptions, type HierarchicalPool } from './synthetic-b.js';
export { SYNTHETIC_FAMILIES, isSyntheticFamily, type SyntheticFamily, type FamilyInfo } from './families.js';
export { TfAcg, type Formulation, type Prediction } from './tf/runtime.js';
export { GradientPool } from './tf/pool.js';

export const VERSION = '0.1.0';

export { default } from './plugin.js';
