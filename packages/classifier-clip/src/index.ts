export { ClipClassifier, isBackgroundName, type DenseFeatures } from './classifier.js';
export { ClipModel, type ClipModelOptions } from './clip-model.js';
export { clipConfig, type ClipConfig, type TowerConfig, type HfClipConfig, type Weights, type WeightTensor } from './clip-config.js';
export { buildVisionGraph, VISION_INPUT, DENSE_OUTPUT } from './vision-graph.js';
export { buildTextGraph, TEXT_IDS, TEXT_EOT, TEXT_OUTPUT } from './text-graph.js';
export { ClipTokenizer } from './tokenizer.js';
export { modelFolderName } from '@acseg/model-hub';
export { resolveModelFiles, REQUIRED_FILES, OPTIONAL_FILES, type ModelFiles } from './model-files.js';
export { regionEmbeddings, classEmbeddings, nearestClass, normalizeRows } from './embeddings.js';
export { CLIP_MEAN, CLIP_STD, clipInputRgb, normalizeRgb } from './preprocess.js';
export { IMAGENET_TEMPLATES, SCENE_TEMPLATES, TEMPLATE_SETS, resolveTemplates, promptName, fillTemplate } from './templates.js';
export { CLIP_SCHEMA, parseClipOptions, parseClassList, DEFAULTS, type ClipOptions } from './options.js';

export { default } from './plugin.js';
