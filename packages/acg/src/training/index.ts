// `@acseg/acg/train`: training an ACG (AcgGenerator.fit uses this; import it to drive training yourself).
export { train, type AcgFitOptions, type AcgFitReport } from './loop.js';
export { fitAcg } from './fit.js';
export { batchIndices } from './batches.js';
export { heldInLoss, trainWithRestarts, type AcgRestartsReport, type RestartResult } from './restarts.js';
export { WeightAverage } from './ema.js';
export { learningRateAt, type LrSchedule, type ScheduleOptions } from './schedule.js';
export { startTrainingEngine, TRAINING_ENGINES } from './engines/choose.js';
export type { TrainingEngine, TrainingEngineSpec } from './engines/types.js';
export type { TrainableAcg } from './target.js';
export { GradientPool } from './threads/pool.js';
export { OnnxGradients } from './onnx/trainer.js';
export { modularityLoss, modularityWeights } from '../tf/loss.js';
