import { definePlugin, PLUGIN_API_VERSION } from '@acseg/core';
import { ClipClassifier } from './classifier.js';

export { ClipClassifier, isBackgroundName, type DenseFeatures } from './classifier.js';
export { ClipModel, type ClipModelOptions } from './clip-model.js';
export { clipConfig, type ClipConfig, type TowerConfig, type HfClipConfig, type Weights, type WeightTensor } from './clip-config.js';
export { buildVisionGraph, VISION_INPUT, DENSE_OUTPUT } from './vision-graph.js';
export { buildTextGraph, TEXT_IDS, TEXT_EOT, TEXT_OUTPUT } from './text-graph.js';
export { ClipTokenizer } from './tokenizer.js';
export { resolveModelFiles, modelFolderName, REQUIRED_FILES, OPTIONAL_FILES, type ModelFiles } from './model-files.js';
export { regionEmbeddings, classEmbeddings, nearestClass, normalizeRows } from './embeddings.js';
export { CLIP_MEAN, CLIP_STD, loadRgb, normalizeRgb } from './preprocess.js';
export { IMAGENET_TEMPLATES, SCENE_TEMPLATES, TEMPLATE_SETS, resolveTemplates, promptName, fillTemplate } from './templates.js';
export { parseClipOptions, parseClassList, DEFAULTS, type ClipOptions } from './options.js';

export default definePlugin({
  name: '@acseg/classifier-clip',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  register(c) {
    c.classifier('clip', {
      description: 'names regions with CLIP ViT-B/16 (MaskCLIP dense features, paper Table 4); options model, background, backgroundRule, templates, batchSize, threads, classes',
      create: (opts, ctx) => new ClipClassifier(opts, ctx.cacheDir),
    });
  },
});
