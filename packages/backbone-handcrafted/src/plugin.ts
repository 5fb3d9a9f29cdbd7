import { definePlugin, packageVersion, PLUGIN_API_VERSION } from '@acseg/core';
import { HANDCRAFTED_SCHEMA } from './options.js';

/** The manifest: declarations only; the backbone's modules load when one is created. */
export default definePlugin({
  name: '@acseg/backbone-handcrafted',
  version: packageVersion(import.meta.url),
  apiVersion: PLUGIN_API_VERSION,
  backbones: {
    handcrafted: {
      description: 'weight-free patch features (Lab colour, HOG texture, optional position), d = 96, 14×14 grid at 224; no model file',
      options: HANDCRAFTED_SCHEMA,
      defaultRank: 2,
      create: async (options, services) => new (await import('./backbone.js')).HandcraftedBackbone(options, services),
    },
  },
});
