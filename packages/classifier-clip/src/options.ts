import { AcsegError, opt, parseOptions, v, type BackgroundRule, type ComponentOptions, type HeadReduce, type RegionReduce } from '@acseg/core';
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
  backgroundRule: 'auto' as const,
  headReduce: 'min' as const,
  regionReduce: 'sum' as const,
  templates: 'imagenet80+scene',
  batchSize: 8,
  textBatchSize: 64,
  threads: 0,
  textCache: true,
};

/** The options of classifier `clip` (flat CLI record: --set templates=scene, --classes "cat,dog", ...). */
export const CLIP_SCHEMA = v.object({
  model: opt.string('a model folder, or a name under <cacheDir>/models/<name>/main/', DEFAULTS.model, 'a folder or a model name'),
  background: opt.bool('background from the attention rule, CLIP names the rest (VOC-like label sets)', DEFAULTS.background),
  backgroundRule: opt.choice(
    ['auto', 'attention', 'border'],
    'which rule decides background (auto: attention when the features carry it)',
    DEFAULTS.backgroundRule,
  ),
  headReduce: opt.choice(['min', 'mean', 'max'], 'attention heads reduced per patch (paper: min)', DEFAULTS.headReduce),
  regionReduce: opt.choice(['sum', 'mean'], "region score: sum (paper) or mean of its pixels' attention", DEFAULTS.regionReduce),
  templates: opt.string('prompt templates: imagenet80, scene, imagenet80+scene, or a file', DEFAULTS.templates),
  batchSize: opt.int('images per vision run', { min: 1, default: DEFAULTS.batchSize }),
  textBatchSize: opt.int('prompts per text run', { min: 1, default: DEFAULTS.textBatchSize }),
  threads: opt.int("onnxruntime intra-op threads (0: onnxruntime's default)", { min: 0, default: DEFAULTS.threads }),
  textCache: opt.bool('keep class text embeddings in <cacheDir>/clip-text/ across runs', DEFAULTS.textCache),
  classes: opt.list('class names when the run has none ("cat,dog")'),
});

/** Splits `"cat, dog,potted plant"` (or takes an array) into trimmed names. */
export function parseClassList(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : null;
  if (!list) throw new AcsegError('BAD_CONFIG', `classes: expected names separated by commas, got ${JSON.stringify(v)}`);
  return list.map((s) => String(s).trim()).filter((s) => s.length > 0);
}

/** Reads the flat CLI/options record; unknown keys are ignored. */
export function parseClipOptions(o: ComponentOptions): ClipOptions {
  const p = parseOptions(CLIP_SCHEMA, o, 'classifier clip', { format: (key, expected, got) => `${key}: expected ${expected}, got ${got}` });
  return { ...p, templates: resolveTemplates(p.templates), classes: p.classes && parseClassList(p.classes) };
}
