import { AcsegError, parseOptions, resolveMaxPixels, toAcsegError, type ComponentContext, type ComponentOptions } from '@acseg/core';
import { existsSync } from 'node:fs';
import { DinoBackbone } from './backbone.js';
import { resolveModelFile } from './models/index.js';
import { DINO_SCHEMA } from './schema.js';

export { DEFAULT_MODEL } from './schema.js';

/** The pixel limit (option, else $ACSEG_MAX_PIXELS, else 64 MP), with core's wording. */
function pixelLimit(raw: number | undefined): number {
  try {
    return resolveMaxPixels(raw);
  } catch (e) {
    const err = toAcsegError(e, 'BAD_CONFIG');
    throw new AcsegError(err.code, `backbone dino: ${err.message}`);
  }
}

/** The plugin's factory: reads the flat CLI options (model, inputSize, batchSize, features, provider, maxPixels). */
export async function createDinoBackbone(options: ComponentOptions, context: ComponentContext): Promise<DinoBackbone> {
  const o = parseOptions(DINO_SCHEMA, options, 'backbone dino');
  // A path is used as is; a name is looked up in the model cache (`acseg models pull`).
  const resolved = existsSync(o.model) ? undefined : await resolveModelFile(o.model, { cacheDir: context.cacheDir });
  return DinoBackbone.load({
    model: resolved?.path ?? o.model,
    name: resolved?.name,
    inputSize: o.inputSize,
    batchSize: o.batchSize,
    features: o.features,
    provider: o.provider,
    maxPixels: pixelLimit(o.maxPixels),
    hashCacheDir: context.cacheDir,
    log: context.log,
  });
}
