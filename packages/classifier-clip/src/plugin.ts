import { definePlugin, packageVersion, PLUGIN_API_VERSION } from '@acseg/core';
import { CLIP_SCHEMA } from './options.js';

/** The manifest: declarations only; onnxruntime, the tokenizer and the graphs load when the classifier is created. */
export default definePlugin({
  name: '@acseg/classifier-clip',
  version: packageVersion(import.meta.url),
  apiVersion: PLUGIN_API_VERSION,
  classifiers: {
    clip: {
      description: 'names regions with CLIP ViT-B/16 (MaskCLIP dense features, paper Table 4)',
      options: CLIP_SCHEMA,
      needs: { classNames: true },
      create: async (opts, services) =>
        new (await import('./classifier.js')).ClipClassifier(opts, services.cacheDir, services.models, services.images, services.sessions),
    },
  },
  // Pulled as they are by @acseg/model-hub (`acseg models pull clip-vit-base-patch16`); the classifier reads them.
  models: {
    'clip-vit-base-patch16': {
      description: 'CLIP ViT-B/16 weights and tokenizer, for @acseg/classifier-clip (paper Table 4)',
      repo: 'openai/clip-vit-base-patch16',
      files: ['model.safetensors', 'config.json', 'tokenizer.json', 'tokenizer_config.json'],
      layout: 'files',
    },
  },
});
