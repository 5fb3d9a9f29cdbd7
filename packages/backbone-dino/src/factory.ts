import { AcsegError, parseOptions, resolveMaxPixels, toAcsegError, type ComponentContext, type ComponentOptions } from '@acseg/core';
import { existsSync } from 'node:fs';
import { DinoBackbone } from './backbone.js';
import { resolveModelFile } from './models/index.js';
import { DINO_SCHEMA } from './schema.js';

export { DEFAULT_MODEL } from './schema.js';

/**
 * `inputSize`: a side S (S×S, the paper's square resize) or an exact
 * "H×W" / "HxW" (height first). Multiples of the patch size are checked by
 * the backbone, which knows the model's patch.
 */
export function parseInputSize(raw: unknown): number | { height: number; width: number } | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'number') {
    if (Number.isInteger(raw) && raw >= 1) return raw;
  } else if (typeof raw === 'string') {
    const m = /^\s*(\d+)\s*(?:[x×X,]\s*(\d+)\s*)?$/.exec(raw);
    if (m) {
      const h = Number(m[1]);
      const w = m[2] === undefined ? h : Number(m[2]);
      if (h >= 1 && w >= 1) return m[2] === undefined ? h : { height: h, width: w };
    }
  }
  throw new AcsegError('BAD_CONFIG', `backbone dino: option inputSize must be a side (e.g. 224) or height×width (e.g. 448x672), got ${JSON.stringify(raw)}`);
}

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
  // inputSize is a side or "H×W": read as text whatever the config gave, then parsed here.
  const o = parseOptions(
    DINO_SCHEMA,
    { ...options, inputSize: options.inputSize === undefined || options.inputSize === null ? undefined : String(options.inputSize) },
    'backbone dino',
  );
  // A path is used as is; a name is looked up in the model cache (`acseg models pull`).
  const resolved = existsSync(o.model) ? undefined : await resolveModelFile(o.model, { hub: context.models, cacheDir: context.cacheDir });
  return DinoBackbone.load({
    model: resolved?.path ?? o.model,
    name: resolved?.name,
    inputSize: parseInputSize(o.inputSize),
    batchSize: o.batchSize,
    features: o.features,
    provider: o.provider,
    sessions: context.sessions,
    maxPixels: pixelLimit(o.maxPixels),
    hashCacheDir: context.models?.cacheDir ?? context.cacheDir,
    images: context.images,
    log: context.log,
  });
}
