import { AcsegError, type BackgroundRule, type ComponentOptions, type HeadReduce, type RegionReduce } from '@acseg/core';
import { resolveTemplates } from './templates.js';

export interface ClipOptions {
  /** A model folder, or a name under `<cacheDir>/models/<name>/main/`. */
  model: string;
  /** Background from the attention rule, CLIP names the rest (VOC-like label sets, class 0 = background). */
  background: boolean;
  /** Which rule decides background: `auto` (attention when the features carry it, else the border prior), `attention`, `border`. */
  backgroundRule: BackgroundRule;
  /** Attention heads reduced per patch (core's background rule; paper: min). */
  headReduce: HeadReduce;
  /** Region score = sum (paper) or mean of its pixels' attention. */
  regionReduce: RegionReduce;
  templates: readonly string[];
  /** Images per vision run. */
  batchSize: number;
  /** Prompts per text run. */
  textBatchSize: number;
  /** onnxruntime intra-op threads (0: onnxruntime's default). */
  threads: number;
  /** Keep class text embeddings in `<cacheDir>/clip-text/` across runs. */
  textCache: boolean;
  /** Class names when the context has none (`--classes "cat,dog"`). */
  classes?: string[];
}

export const DEFAULTS = {
  model: 'clip-vit-base-patch16',
  background: true,
  backgroundRule: 'auto' as BackgroundRule,
  headReduce: 'min' as HeadReduce,
  regionReduce: 'sum' as RegionReduce,
  templates: 'imagenet80+scene',
  batchSize: 8,
  textBatchSize: 64,
  threads: 0,
  textCache: true,
};

function bool(name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw new AcsegError('BAD_CONFIG', `${name}: expected true or false, got ${JSON.stringify(v)}`);
}

function int(name: string, v: unknown, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) throw new AcsegError('BAD_CONFIG', `${name}: expected an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return n;
}

/** Splits `"cat, dog,potted plant"` (or takes an array) into trimmed names. */
export function parseClassList(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : null;
  if (!list) throw new AcsegError('BAD_CONFIG', `classes: expected names separated by commas, got ${JSON.stringify(v)}`);
  return list.map((s) => String(s).trim()).filter((s) => s.length > 0);
}

/** Reads the flat CLI/options record; unknown keys are ignored. */
export function parseClipOptions(o: ComponentOptions): ClipOptions {
  const model = o.model ?? DEFAULTS.model;
  if (typeof model !== 'string' || !model) throw new AcsegError('BAD_CONFIG', `model: expected a folder or a model name, got ${JSON.stringify(model)}`);
  const rule = o.backgroundRule ?? DEFAULTS.backgroundRule;
  if (rule !== 'auto' && rule !== 'attention' && rule !== 'border') throw new AcsegError('BAD_CONFIG', `backgroundRule: expected auto, attention or border, got ${JSON.stringify(rule)}`);
  const headReduce = o.headReduce ?? DEFAULTS.headReduce;
  if (headReduce !== 'min' && headReduce !== 'mean' && headReduce !== 'max') throw new AcsegError('BAD_CONFIG', `headReduce: expected min, mean or max, got ${JSON.stringify(headReduce)}`);
  const regionReduce = o.regionReduce ?? DEFAULTS.regionReduce;
  if (regionReduce !== 'sum' && regionReduce !== 'mean') throw new AcsegError('BAD_CONFIG', `regionReduce: expected sum or mean, got ${JSON.stringify(regionReduce)}`);
  return {
    model,
    headReduce,
    regionReduce,
    background: bool('background', o.background, DEFAULTS.background),
    backgroundRule: rule,
    templates: resolveTemplates(o.templates ?? DEFAULTS.templates),
    batchSize: int('batchSize', o.batchSize, DEFAULTS.batchSize, 1),
    textBatchSize: int('textBatchSize', o.textBatchSize, DEFAULTS.textBatchSize, 1),
    threads: int('threads', o.threads, DEFAULTS.threads, 0),
    textCache: bool('textCache', o.textCache, DEFAULTS.textCache),
    classes: parseClassList(o.classes),
  };
}
