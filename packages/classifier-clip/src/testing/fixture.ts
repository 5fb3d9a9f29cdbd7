import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** OpenAI's CLIP BPE merges file in the shared folder (override with ACSEG_CLIP_BPE). */
export const BPE_PATH = process.env.ACSEG_CLIP_BPE ?? resolve(here, '../../../../../shared/vocab/bpe_simple_vocab_16e6.txt.gz');

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
