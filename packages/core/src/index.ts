export * from './errors.js';
export * from './image.js';
export type { ImageDecoder, ImageDecodeOptions } from './image-decoder.js';
export * from './pixels.js';
export { uniqueId } from './unique-id.js';
export { emptyFileProblem } from './empty-file.js';
export { writeViaTemp } from './temp-write.js';
export { pathExists, refuseOverwrite } from './no-overwrite.js';
export { tidyMessage } from './tidy-message.js';
export { CLASS_PRESETS, classPreset, type ClassPresetName } from './class-presets.js';
export * from './features.js';
export * from './regions.js';
export * from './log.js';
export * from './backbone.js';
export * from './generator.js';
export * from './classifier.js';
export * from './plugin.js';
export * from './models.js';
export * from './registry.js';
export { componentRecordOf, recordComponent, jsonOptions, type ComponentRecord } from './component-record.js';
export * from './tokens.js';
export * from './sessions.js';
export * from './options.js';
export {
  SegmentationPipeline,
  classMap,
  DEFAULT_MAX_DECODED,
  type Segmentation,
  type SegmentOutcome,
  type PipelineParts,
  type PipelineOptions,
  type SegmentCallOptions,
} from './pipeline.js';
export { classifyInput } from './classify-input.js';
export { memoryStash, type AssignmentStash, type StashedAssignment } from './assignment-stash.js';
export { memoryDigestStash, type DigestStash } from './digest-stash.js';
export { arrayRowReader, type RowReader } from './row-reader.js';
export { streamSegmentation, type StreamOptions, type StreamSummary } from './stream.js';
export * from './background.js';
