export { DinoBackbone, type DinoBackboneOptions } from './backbone.js';
export { createDinoBackbone, DEFAULT_MODEL, parseInputSize } from './factory.js';
export { convertCheckpoint, type ConvertOptions, type ConvertResult } from './onnx/convert.js';
export { buildVitOnnx, OUTPUTS, ACSEG_FORMAT, type BuildVitOptions, type InputShape } from './onnx/build-vit.js';
export { FAMILY_NAMES, VIT_FAMILIES, detectFamily, type VitFamily } from './vit/families.js';
export { describeVitModel, type VitModelFile } from './onnx/describe.js';
export { appendGraphOutputs, findLastAttentionSoftmax } from './onnx/surgery.js';
export type { ProviderChoice } from './onnx/session.js';
export { loadVitModel, modelFileIn, hubHints } from './load-model.js';
export { inferVitConfig, normalizeWeightNames, type VitConfig, type VitWeights, type WeightTensor, type HubVitConfigJson } from './vit/config.js';
export { interpolatePositions } from './vit/pos-embed.js';
export { decodeImage, MAX_INPUT_PIXELS, type DecodedImage } from './image/decode.js';
export { resizeNormalize, IMAGENET_MEAN, IMAGENET_STD } from './image/resize.js';
export * from './models/index.js';

export { DINO_SCHEMA } from './schema.js';
export { default } from './plugin.js';
