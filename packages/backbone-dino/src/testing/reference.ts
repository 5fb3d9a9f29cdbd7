import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Outputs of tools/dino-reference/make_fixtures.py (PyTorch) for the tiny ViT. */
export interface ReferenceCase {
  shape: number[];
  input_seed: number;
  last_hidden_state: number[];
  attention: number[];
  attention_shape: number[];
  keys: number[];
}
export interface Reference {
  cases: Record<string, ReferenceCase>;
  preprocess: { width: number; height: number; seed: number; size: number; tensor: number[] };
  preprocess_model: ReferenceCase;
}

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const HUB_FIXTURE = fileURLToPath(new URL('./fixtures/tiny-hub/', import.meta.url));

export function loadReference(): Reference {
  return JSON.parse(readFileSync(new URL('./fixtures/reference.json', import.meta.url), 'utf8')) as Reference;
}

/** Largest absolute difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** attention[b, h, 0, 1:] of a [B, H, N, N] reference, as heads × (N-1). */
export function clsAttention(att: ArrayLike<number>, shape: number[], b: number): Float32Array {
  const [, H, N] = shape;
  const out = new Float32Array(H * (N - 1));
  for (let h = 0; h < H; h++) for (let j = 1; j < N; j++) out[h * (N - 1) + j - 1] = att[(b * H + h) * N * N + j];
  return out;
}
