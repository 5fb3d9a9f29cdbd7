import { definePlugin, PLUGIN_API_VERSION } from '@acseg/core';
import { HandcraftedBackbone } from './backbone.js';

export { HandcraftedBackbone } from './backbone.js';
export { parseOptions, modelName, DEFAULT_OPTIONS, type HandcraftedOptions } from './options.js';
export { patchFeatures, type FeatureWeights } from './features.js';
export { srgbToLab, rgbToLabInto } from './lab.js';
export { LAYOUT, FEATURE_DIM, PATCH_SIZE, ORIENT_BINS, HIST_BINS } from './layout.js';
export { prepareImage, type PreparedImage } from './decode.js';

export default definePlugin({
  name: '@acseg/backbone-handcrafted',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  register(container) {
    container.backbone('handcrafted', {
      description: 'weight-free patch features (Lab colour, HOG texture, optional position), d = 96, 14×14 grid at 224; no model file',
      create: (options) => new HandcraftedBackbone(options),
    });
  },
});
