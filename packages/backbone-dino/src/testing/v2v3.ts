import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { VitWeights } from '../vit/config.js';
import { lcgUniform } from './tiny-vit.js';

/** Outputs of tools/dino-reference/make_v2v3_fixtures.py (PyTorch) for one tiny model. */
export interface V2Case {
  shape: number[];
  input_seed: number;
  last_hidden_state: number[];
  attention: number[];
  attention_shape: number[];
  keys: number[];
}
export interface V2Reference {
  family: 'dinov2' | 'dinov2-reg' | 'dinov3';
  config: Record<string, unknown> & { num_register_tokens?: number; patch_size: number; hidden_size: number; num_attention_heads: number; image_size: number };
  /** [name, shape, seed, scale, offset]: tensor = offset + scale·lcg(seed). */
  weights: Array<[string, number[], number, number, number]>;
  cases: V2Case[];
  image: V2Case & { width: number; height: number; seed: number };
  /** A real picture (PNG beside the families' folders) preprocessed to each case's size. */
  real: { file: string; width: number; height: number; cases: V2Case[] };
}

export const V2_FAMILIES = ['dinov2', 'dinov2-reg', 'dinov3'] as const;
export type V2Family = (typeof V2_FAMILIES)[number];

export function v2Dir(family: V2Family): string {
  return fileURLToPath(new URL(`./fixtures/v2v3/${family}/`, import.meta.url));
}

/** The real picture's path (fixtures/v2v3/<file>). */
export function v2RealImage(ref: V2Reference): string {
  return fileURLToPath(new URL(`./fixtures/v2v3/${ref.real.file}`, import.meta.url));
}

export function loadV2Reference(family: V2Family): V2Reference {
  return JSON.parse(readFileSync(new URL(`./fixtures/v2v3/${family}/reference.json`, import.meta.url), 'utf8')) as V2Reference;
}

/** The reference model's weights, regenerated from its list (Hub names). */
export function v2Weights(ref: V2Reference): VitWeights {
  const w: VitWeights = {};
  for (const [name, shape, seed, scale, offset] of ref.weights)
    w[name] = {
      shape,
      data: lcgUniform(
        seed,
        shape.reduce((a, b) => a * b, 1),
        scale,
        offset,
      ),
    };
  return w;
}

/** The reference case's input: 2 × 3 × H × W LCG values in [−2, 2]. */
export function v2Input(c: V2Case): Float32Array {
  return lcgUniform(
    c.input_seed,
    c.shape.reduce((a, b) => a * b, 1),
    2,
  );
}
