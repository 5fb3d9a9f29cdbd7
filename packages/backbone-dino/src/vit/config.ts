import { AcsegError } from '@acseg/core';

import { detectFamily, FAMILY_NAMES, type BlockRole, type VitFamily } from './families.js';

/** A tensor as the converter reads it (safetensors float tensors decode to Float32Array). */
export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}
export type VitWeights = Record<string, WeightTensor>;

/** Architecture of a DINO / DINOv2 / DINOv3 ViT (pre-norm blocks, exact GELU). */
export interface VitConfig {
  /** Which tensor names and which position scheme (default `dino`). */
  family?: VitFamily;
  dim: number;
  depth: number;
  heads: number;
  patchSize: number;
  mlpDim: number;
  /** Side of the positional-embedding grid the weights were trained with (224/16 = 14 for ViT-S/16); 0 with RoPE. */
  gridSize: number;
  /** LayerNorm epsilon: DINO and DINOv2 1e-6 (DINO's Hub configs say 1e-12; method notes §1), DINOv3 1e-5. */
  layerNormEps: number;
  /** Register tokens between CLS and the patches (DINOv2 with registers, DINOv3: 4). */
  registers?: number;
  /** Positions: `bicubic` (DINO, DINOv2), `bicubic-aa` (DINOv2 with registers: antialiased, as transformers), `rope` (DINOv3). */
  positions?: 'bicubic' | 'bicubic-aa' | 'rope';
  /** RoPE base period (DINOv3: 100). */
  ropeTheta?: number;
}

/** The fields of a Hugging Face ViT / Dinov2 / DINOv3 config.json that matter here. */
export interface HubVitConfigJson {
  model_type?: string;
  hidden_size?: number;
  num_hidden_layers?: number;
  num_attention_heads?: number;
  intermediate_size?: number;
  patch_size?: number;
  image_size?: number;
  hidden_act?: string;
  qkv_bias?: boolean;
  layer_norm_eps?: number;
  num_register_tokens?: number;
  rope_theta?: number;
  use_swiglu_ffn?: boolean;
  use_gated_mlp?: boolean;
}

/** Tensor names (transformers' ViTModel naming, as in facebook/dino-vits16). */
export const W = {
  cls: 'embeddings.cls_token',
  pos: 'embeddings.position_embeddings',
  patchW: 'embeddings.patch_embeddings.projection.weight',
  patchB: 'embeddings.patch_embeddings.projection.bias',
  finalW: 'layernorm.weight',
  finalB: 'layernorm.bias',
  block: (i: number) => `encoder.layer.${i}.`,
  blockParts: [
    'layernorm_before.weight',
    'layernorm_before.bias',
    'attention.attention.query.weight',
    'attention.attention.query.bias',
    'attention.attention.key.weight',
    'attention.attention.key.bias',
    'attention.attention.value.weight',
    'attention.attention.value.bias',
    'attention.output.dense.weight',
    'attention.output.dense.bias',
    'layernorm_after.weight',
    'layernorm_after.bias',
    'intermediate.dense.weight',
    'intermediate.dense.bias',
    'output.dense.weight',
    'output.dense.bias',
  ],
} as const;

/**
 * Strips a "vit." prefix (ViTForImageClassification / DINO heads) so both
 * ViTModel and wrapped checkpoints read the same.
 */
export function normalizeWeightNames(weights: VitWeights): VitWeights {
  if (W.cls in weights) return weights;
  const out: VitWeights = {};
  for (const [k, v] of Object.entries(weights)) {
    const prefix = ['vit.', 'dinov2.', 'dinov3.'].find((p) => k.startsWith(p));
    out[prefix ? k.slice(prefix.length) : k] = v;
  }
  return out;
}

function bad(file: string, message: string): AcsegError {
  return new AcsegError('BAD_CHECKPOINT', `${file}: ${message}`, {
    file,
    hint: 'expected a DINO, DINOv2 or DINOv3 ViT checkpoint in Hugging Face transformers naming (e.g. model.safetensors of facebook/dino-vits16, facebook/dinov2-small or facebook/dinov3-vits16-pretrain-lvd1689m)',
  });
}

/**
 * Reads the architecture off the tensor shapes (the family from the names;
 * config.json, when given, supplies the head count, otherwise head dim 64 as
 * in every DINO ViT) and checks that every tensor is present with the shape
 * the architecture needs.
 */
export function inferVitConfig(weights: VitWeights, file: string, json?: HubVitConfigJson): VitConfig {
  const family = detectFamily(weights);
  if (!family) {
    throw bad(file, `missing tensor "${FAMILY_NAMES.dino.marker}" (no transformer blocks found in DINO, DINOv2 or DINOv3 naming)`);
  }
  const N = FAMILY_NAMES[family];
  const get = (name: string): WeightTensor => {
    const t = weights[name];
    if (!t) throw bad(file, `missing tensor "${name}"`);
    if (!(t.data instanceof Float32Array)) throw bad(file, `tensor "${name}" is not a float tensor`);
    return t;
  };
  const cls = get(N.cls);
  if (cls.shape.length !== 3 || cls.shape[0] !== 1 || cls.shape[1] !== 1) throw bad(file, `tensor "${N.cls}" has shape [${cls.shape}], expected [1, 1, dim]`);
  const dim = cls.shape[2];
  const pw = get(`${N.patch}.weight`);
  if (pw.shape.length !== 4 || pw.shape[0] !== dim || pw.shape[1] !== 3 || pw.shape[2] !== pw.shape[3]) {
    throw bad(file, `tensor "${N.patch}.weight" has shape [${pw.shape}], expected [${dim}, 3, p, p]`);
  }
  const patchSize = pw.shape[2];
  let gridSize = 0;
  if (N.pos) {
    const pos = get(N.pos);
    const n = pos.shape[1] - 1;
    gridSize = Math.round(Math.sqrt(n));
    if (pos.shape.length !== 3 || pos.shape[0] !== 1 || pos.shape[2] !== dim || gridSize * gridSize !== n || n < 1) {
      throw bad(file, `tensor "${N.pos}" has shape [${pos.shape}], expected [1, 1 + g², ${dim}]`);
    }
  }
  let registers = 0;
  const reg = weights[N.registers];
  if (reg && family !== 'dino') {
    if (reg.shape.length !== 3 || reg.shape[0] !== 1 || reg.shape[2] !== dim)
      throw bad(file, `tensor "${N.registers}" has shape [${reg.shape}], expected [1, registers, ${dim}]`);
    registers = reg.shape[1];
  }
  if (json?.num_register_tokens !== undefined && json.num_register_tokens !== registers) {
    throw bad(file, `config num_register_tokens ${json.num_register_tokens} disagrees with the weights (${registers} register tokens)`);
  }
  const norm1 = N.parts.norm1!;
  let depth = 0;
  while (`${N.block(depth)}${norm1}.weight` in weights) depth++;
  if (depth === 0) throw bad(file, `missing tensor "${N.block(0)}${norm1}.weight" (no transformer blocks found)`);
  if (`${N.block(0)}mlp.weights_in.weight` in weights || `${N.block(0)}mlp.gate_proj.weight` in weights || json?.use_swiglu_ffn || json?.use_gated_mlp) {
    throw bad(file, 'gated (SwiGLU) MLPs are not supported (only the ViT-S and ViT-B models, whose MLPs are plain GELU)');
  }
  const mlpDim = get(`${N.block(0)}${N.parts.fc1!}.weight`).shape[0];
  if (json?.hidden_act && json.hidden_act !== 'gelu') throw bad(file, `config hidden_act "${json.hidden_act}" is not supported (DINO uses exact GELU)`);
  if (json?.hidden_size !== undefined && json.hidden_size !== dim)
    throw bad(file, `config hidden_size ${json.hidden_size} disagrees with the weights (${dim})`);
  if (json?.num_hidden_layers !== undefined && json.num_hidden_layers !== depth)
    throw bad(file, `config num_hidden_layers ${json.num_hidden_layers} disagrees with the weights (${depth} blocks)`);
  const heads = json?.num_attention_heads ?? Math.max(1, Math.round(dim / 64));
  if (!Number.isInteger(heads) || heads < 1 || dim % heads !== 0) throw bad(file, `${heads} attention heads do not divide the dimension ${dim}`);
  if (family === 'dinov3' && (dim / heads) % 4 !== 0) throw bad(file, `head dimension ${dim / heads} is not a multiple of 4, which 2-D RoPE needs`);
  const expect: Record<string, number[]> = { [`${N.patch}.bias`]: [dim], [`${N.norm}.weight`]: [dim], [`${N.norm}.bias`]: [dim] };
  const shapes: Record<BlockRole, [number, number] | [number]> = {
    norm1: [dim],
    norm2: [dim],
    q: [dim, dim],
    k: [dim, dim],
    v: [dim, dim],
    o: [dim, dim],
    fc1: [mlpDim, dim],
    fc2: [dim, mlpDim],
    ls1: [dim],
    ls2: [dim],
  };
  for (let i = 0; i < depth; i++) {
    const b = N.block(i);
    for (const [role, part] of Object.entries(N.parts) as Array<[BlockRole, string]>) {
      const shape = shapes[role];
      if (role === 'ls1' || role === 'ls2') {
        expect[`${b}${part}`] = shape;
        continue;
      }
      expect[`${b}${part}.weight`] = shape;
      // DINOv3 has no key bias; any other missing bias is a damaged file.
      if (!(family === 'dinov3' && role === 'k' && !(`${b}${part}.bias` in weights))) expect[`${b}${part}.bias`] = [shape[0]];
    }
  }
  for (const [name, shape] of Object.entries(expect)) {
    const t = get(name);
    if (t.shape.length !== shape.length || t.shape.some((s, j) => s !== shape[j])) {
      throw bad(file, `tensor "${name}" has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
  }
  const eps = family === 'dino' ? 1e-6 : (json?.layer_norm_eps ?? (family === 'dinov3' ? 1e-5 : 1e-6));
  return {
    family,
    dim,
    depth,
    heads,
    patchSize,
    mlpDim,
    gridSize,
    layerNormEps: eps,
    registers,
    positions: family === 'dinov3' ? 'rope' : family === 'dinov2' && registers > 0 ? 'bicubic-aa' : 'bicubic',
    ...(family === 'dinov3' ? { ropeTheta: json?.rope_theta ?? 100 } : {}),
  };
}
