export { HandcraftedBackbone } from './backbone.js';
export { HANDCRAFTED_SCHEMA, parseOptions, modelName, DEFAULT_OPTIONS, type HandcraftedOptions } from './options.js';
export { patchFeatures, type FeatureWeights } from './features.js';
export { srgbToLab, rgbToLabInto } from './lab.js';
export { LAYOUT, FEATURE_DIM, PATCH_SIZE, ORIENT_BINS, HIST_BINS } from './layout.js';
export { prepareImage, type PreparedImage } from './decode.js';

export { default } from './plugin.js';
