import { AcsegError, resolveMaxPixels, toAcsegError, type ComponentContext, type ComponentOptions } from '@acseg/core';
import { existsSync } from 'node:fs';
import { DinoBackbone } from './backbone.js';
import { resolveModelFile } from './models/index.js';
import type { ProviderChoice } from './onnx/session.js';

/** Default model name, resolved through the model cache (`acseg models pull dino-vits16`). */
export const DEFAULT_MODEL = 'dino-vits16';

function positiveInt(options: ComponentOptions, key: string, fallback: number | undefined): number | undefined {
  const v = options[key];
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new AcsegError('BAD_CONFIG', `backbone dino: option ${key} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

function oneOf<T extends string>(options: ComponentOptions, key: string, allowed: readonly T[], fallback: T): T {
  const v = options[key];
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    throw new AcsegError('BAD_CONFIG', `backbone dino: option ${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

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
function pixelLimit(raw: unknown): number {
  try {
    return resolveMaxPixels(raw);
  } catch (e) {
    const err = toAcsegError(e, 'BAD_CONFIG');
    throw new AcsegError(err.code, `backbone dino: ${err.message}`);
  }
}

/** The plugin's factory: reads the flat CLI options (model, inputSize, batchSize, features, provider, maxPixels). */
export async function createDinoBackbone(options: ComponentOptions, context: ComponentContext): Promise<DinoBackbone> {
  const model = options.model ?? DEFAULT_MODEL;
  if (typeof model !== 'string' || !model) throw new AcsegError('BAD_CONFIG', `backbone dino: option model must be a path or a model name, got ${JSON.stringify(model)}`);
  // A path is used as is; a name is looked up in the model cache (`acseg models pull`).
  const resolved = existsSync(model) ? undefined : await resolveModelFile(model, { cacheDir: context.cacheDir });
  return DinoBackbone.load({
    model: resolved?.path ?? model,
    name: resolved?.name,
    inputSize: parseInputSize(options.inputSize),
    batchSize: positiveInt(options, 'batchSize', undefined),
    features: oneOf(options, 'features', ['tokens', 'keys'] as const, 'tokens'),
    provider: oneOf<ProviderChoice>(options, 'provider', ['auto', 'cpu', 'cuda'], 'auto'),
    maxPixels: pixelLimit(options.maxPixels),
    hashCacheDir: context.cacheDir,
    log: context.log,
  });
}
