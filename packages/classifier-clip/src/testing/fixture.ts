import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface ReferenceFixture {
  dense: { shape: number[]; data: number[] };
  prompts: string[];
  ids: number[][];
  text_embeds: { shape: number[]; data: number[] };
  classes: string[];
  templates: string[];
  class_embeds: { shape: number[]; data: number[] };
}

/** Outputs of tools/clip-reference/reference.py on the TINY_CLIP model. */
export function loadReference(): ReferenceFixture {
  return JSON.parse(readFileSync(join(here, 'fixtures', 'clip-reference.json'), 'utf8')) as ReferenceFixture;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
