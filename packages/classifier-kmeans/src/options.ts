import { AcsegError, type BackgroundRule, type ComponentOptions, type HeadReduce, type RegionReduce } from '@acseg/core';

/** Options shared by the three classifiers (method notes §5). */
export interface BackgroundChoice {
  /** Apply the attention background rule; false for label sets without background (COCO-Stuff-27). Default true. */
  background?: boolean;
  /** Head reduction of the CLS attention. Default 'min' (paper §3.5). */
  headReduce?: HeadReduce;
  /** Per-region reduction of the foreground score. Default 'sum' (paper §3.5). */
  regionReduce?: RegionReduce;
  /** 'auto' (attention when present, else border prior), 'attention' or 'border'. Default 'auto'. */
  backgroundRule?: BackgroundRule;
}

function bad(component: string, name: string, expected: string, value: unknown): AcsegError {
  return new AcsegError('BAD_CONFIG', `classifier ${component}: option ${name} must be ${expected}, got ${JSON.stringify(value)}`);
}

/** An integer option; CLI values may arrive as strings. */
export function intOption(opts: ComponentOptions, name: string, component: string, min: number): number | undefined {
  const v = opts[name];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) throw bad(component, name, `an integer ≥ ${min}`, v);
  return n;
}

export function boolOption(opts: ComponentOptions, name: string, component: string): boolean | undefined {
  const v = opts[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && ['true', 'false', '1', '0', 'yes', 'no'].includes(v.toLowerCase())) return ['true', '1', 'yes'].includes(v.toLowerCase());
  throw bad(component, name, 'true or false', v);
}

export function enumOption<T extends string>(opts: ComponentOptions, name: string, component: string, values: readonly T[]): T | undefined {
  const v = opts[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
  throw bad(component, name, `one of ${values.join(', ')}`, v);
}

export function stringOption(opts: ComponentOptions, name: string, component: string): string | undefined {
  const v = opts[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw bad(component, name, 'a path', v);
  return v;
}

export function backgroundChoice(opts: ComponentOptions, component: string): BackgroundChoice {
  return {
    background: boolOption(opts, 'background', component),
    headReduce: enumOption(opts, 'headReduce', component, ['min', 'mean', 'max'] as const),
    regionReduce: enumOption(opts, 'regionReduce', component, ['sum', 'mean'] as const),
    backgroundRule: enumOption(opts, 'backgroundRule', component, ['auto', 'attention', 'border'] as const),
  };
}

/** Validates options given to a constructor directly (not through the CLI). */
export function checkChoice(component: string, c: BackgroundChoice): void {
  if (c.headReduce !== undefined && !['min', 'mean', 'max'].includes(c.headReduce)) throw bad(component, 'headReduce', 'one of min, mean, max', c.headReduce);
  if (c.regionReduce !== undefined && !['sum', 'mean'].includes(c.regionReduce)) throw bad(component, 'regionReduce', 'one of sum, mean', c.regionReduce);
  if (c.backgroundRule !== undefined && !['auto', 'attention', 'border'].includes(c.backgroundRule)) throw bad(component, 'backgroundRule', 'one of auto, attention, border', c.backgroundRule);
}

export function checkInt(component: string, name: string, v: number | undefined, min: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min)) throw bad(component, name, `an integer ≥ ${min}`, v);
}
