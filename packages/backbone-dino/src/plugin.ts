import { definePlugin, packageVersion, PLUGIN_API_VERSION } from '@acseg/core';
import { DINO_MODELS } from './models/catalog.js';
import { DINO_SCHEMA } from './schema.js';

/** The manifest: declarations only; onnxruntime and the image decoder load when the backbone is created. */
export default definePlugin({
  name: '@acseg/backbone-dino',
  version: packageVersion(import.meta.url),
  apiVersion: PLUGIN_API_VERSION,
  backbones: {
    dino: {
      description: 'DINO ViT (onnxruntime): final-normed patch tokens, CLS, last-layer CLS attention, region embeddings',
      options: DINO_SCHEMA,
      defaultRank: 1,
      create: async (options, services) => (await import('./factory.js')).createDinoBackbone(options, services),
    },
  },
  // Pulled and found by @acseg/model-hub (`acseg models list/pull`); the converter of the safetensors ones loads lazily.
  models: DINO_MODELS,
});
