import { definePlugin, packageVersion, PLUGIN_API_VERSION } from '@acseg/core';
import { ACG_SCHEMA } from './options.js';

/** The manifest: declarations only; TF.js and onnxruntime load when the generator is created. */
export default definePlugin({
  name: '@acseg/acg',
  version: packageVersion(import.meta.url),
  apiVersion: PLUGIN_API_VERSION,
  generators: {
    acg: {
      description: 'Adaptive Concept Generator (ACSeg): learned prototypes → per-image concepts, adaptive count',
      options: ACG_SCHEMA,
      defaultRank: 1,
      methodName: 'ACSeg',
      label: 'the ACG',
      async create(options, services) {
        const gen = new (await import('./inference/generator.js')).AcgGenerator(options, services.log, undefined, services.sessions);
        if (gen.options.checkpoint) await gen.load(gen.options.checkpoint);
        return gen;
      },
    },
  },
});
