/**
 * Tiny random CLIP-architecture models for tests and benchmarks, in the
 * transformers CLIPModel naming. The weights come from a seeded generator
 * that tools/clip-reference/reference.py reproduces bit for bit
 * (mulberry32 seeded with FNV-1a of the tensor name), so the Python
 * reference computes on the very same model without any weights committed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serializeSafetensors } from '@acseg/safetensors';
import { testMergesText } from './bpe.js';
import { buildClipTokenizerJson, clipTokenizerJson } from './tokenizer-json.js';

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values of one named tensor (the rule reference.py mirrors). */
export function seededTensor(name: string, shape: readonly number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const next = mulberry32(fnv1a(name));
  const out = new Float32Array(n);
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  const isNorm = name.endsWith('.weight') && name.includes('norm');
  const isBias = name.endsWith('.bias');
  const isEmbedding = name.includes('embedding') && !name.includes('patch_embedding');
  const linearScale = Math.sqrt(3 / fanIn);
  for (let i = 0; i < n; i++) {
    const u = next() * 2 - 1;
    out[i] = isNorm ? 1 + 0.1 * u : isBias ? 0.1 * u : isEmbedding ? 0.5 * u : u * linearScale;
  }
  return out;
}

export interface TinyClipSpec {
  vision: { width: number; heads: number; layers: number; patch: number; imageSize: number; mlp: number };
  text: { width: number; heads: number; layers: number; context: number; vocab: number; mlp: number };
  projection: number;
  act?: 'quick_gelu' | 'gelu';
}

/** The architecture of tests and the committed reference (brief: 2 blocks, width 48, 3 heads, patch 16, input 64, proj 32). */
export const TINY_CLIP: TinyClipSpec = {
  vision: { width: 48, heads: 3, layers: 2, patch: 16, imageSize: 64, mlp: 192 },
  text: { width: 32, heads: 2, layers: 2, context: 77, vocab: 49408, mlp: 128 },
  projection: 32,
};

/** Tensor names and shapes of a CLIPModel with the given sizes. */
export function clipTensorShapes(s: TinyClipSpec): Array<[string, number[]]> {
  const out: Array<[string, number[]]> = [];
  const v = s.vision;
  const t = s.text;
  const grid = v.imageSize / v.patch;
  out.push(['vision_model.embeddings.class_embedding', [v.width]]);
  out.push(['vision_model.embeddings.patch_embedding.weight', [v.width, 3, v.patch, v.patch]]);
  out.push(['vision_model.embeddings.position_embedding.weight', [grid * grid + 1, v.width]]);
  out.push(['text_model.embeddings.token_embedding.weight', [t.vocab, t.width]]);
  out.push(['text_model.embeddings.position_embedding.weight', [t.context, t.width]]);
  const norm = (p: string, d: number): void => {
    out.push([`${p}.weight`, [d]], [`${p}.bias`, [d]]);
  };
  const lin = (p: string, o: number, i: number, bias = true): void => {
    out.push([`${p}.weight`, [o, i]]);
    if (bias) out.push([`${p}.bias`, [o]]);
  };
  for (const [tower, c] of [
    ['vision_model', v],
    ['text_model', t],
  ] as const) {
    for (let l = 0; l < c.layers; l++) {
      const p = `${tower}.encoder.layers.${l}`;
      norm(`${p}.layer_norm1`, c.width);
      norm(`${p}.layer_norm2`, c.width);
      for (const q of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) lin(`${p}.self_attn.${q}`, c.width, c.width);
      lin(`${p}.mlp.fc1`, c.mlp, c.width);
      lin(`${p}.mlp.fc2`, c.width, c.mlp);
    }
  }
  norm('vision_model.pre_layrnorm', v.width);
  norm('vision_model.post_layernorm', v.width);
  norm('text_model.final_layer_norm', t.width);
  lin('visual_projection', s.projection, v.width, false);
  lin('text_projection', s.projection, t.width, false);
  return out;
}

/**
 * Writes model.safetensors, config.json, tokenizer.json into `dir`; the tokenizer comes from the BPE merges
 * file at `bpeGzPath`, or without one from the tests' stand-in (testing/bpe.ts).
 */
export async function writeTinyClip(dir: string, bpeGzPath?: string, spec: TinyClipSpec = TINY_CLIP): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, shape] of clipTensorShapes(spec)) tensors[name] = { shape, data: seededTensor(name, shape) };
  await writeFile(join(dir, 'model.safetensors'), serializeSafetensors(tensors));
  const act = spec.act ?? 'quick_gelu';
  const config = {
    model_type: 'clip',
    projection_dim: spec.projection,
    vision_config: {
      hidden_size: spec.vision.width,
      num_attention_heads: spec.vision.heads,
      num_hidden_layers: spec.vision.layers,
      patch_size: spec.vision.patch,
      image_size: spec.vision.imageSize,
      intermediate_size: spec.vision.mlp,
      hidden_act: act,
      layer_norm_eps: 1e-5,
    },
    text_config: {
      hidden_size: spec.text.width,
      num_attention_heads: spec.text.heads,
      num_hidden_layers: spec.text.layers,
      max_position_embeddings: spec.text.context,
      vocab_size: spec.text.vocab,
      intermediate_size: spec.text.mlp,
      hidden_act: act,
      layer_norm_eps: 1e-5,
    },
  };
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(bpeGzPath ? await buildClipTokenizerJson(bpeGzPath) : clipTokenizerJson(testMergesText())));
}
