import { AcsegError, type BackgroundRule, type HeadReduce, type RegionReduce } from '@acseg/core';

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

/** Validates options given to a constructor directly (not through the CLI). */
export function checkChoice(component: string, c: BackgroundChoice): void {
  if (c.headReduce !== undefined && !['min', 'mean', 'max'].includes(c.headReduce)) throw bad(component, 'headReduce', 'one of min, mean, max', c.headReduce);
  if (c.regionReduce !== undefined && !['sum', 'mean'].includes(c.regionReduce)) throw bad(component, 'regionReduce', 'one of sum, mean', c.regionReduce);
  if (c.backgroundRule !== undefined && !['auto', 'attention', 'border'].includes(c.backgroundRule))
    throw bad(component, 'backgroundRule', 'one of auto, attention, border', c.backgroundRule);
}

export function checkInt(component: string, name: string, v: number | undefined, min: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min)) throw bad(component, name, `an integer ≥ ${min}`, v);
}
