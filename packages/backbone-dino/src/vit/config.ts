import { AcsegError } from '@acseg/core';

/** A tensor as the converter reads it (safetensors float tensors decode to Float32Array). */
export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}
export type VitWeights = Record<string, WeightTensor>;

/** Architecture of a DINO ViT (pre-norm blocks, qkv bias, exact GELU). */
export interface VitConfig {
  dim: number;
  depth: number;
  heads: number;
  patchSize: number;
  mlpDim: number;
  /** Side of the positional-embedding grid the weights were trained with (224/16 = 14 for ViT-S/16). */
  gridSize: number;
  /** LayerNorm epsilon; DINO uses 1e-6 (Hugging Face configs say 1e-12; method notes §1). */
  layerNormEps: number;
}

/** The fields of a Hugging Face ViT config.json that matter here. */
export interface HubVitConfigJson {
  hidden_size?: number;
  num_hidden_layers?: number;
  num_attention_heads?: number;
  intermediate_size?: number;
  patch_size?: number;
  image_size?: number;
  hidden_act?: string;
  qkv_bias?: boolean;
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
    'layernorm_before.weight', 'layernorm_before.bias',
    'attention.attention.query.weight', 'attention.attention.query.bias',
    'attention.attention.key.weight', 'attention.attention.key.bias',
    'attention.attention.value.weight', 'attention.attention.value.bias',
    'attention.output.dense.weight', 'attention.output.dense.bias',
    'layernorm_after.weight', 'layernorm_after.bias',
    'intermediate.dense.weight', 'intermediate.dense.bias',
    'output.dense.weight', 'output.dense.bias',
  ],
} as const;

/**
 * Strips a "vit." prefix (ViTForImageClassification / DINO heads) so both
 * ViTModel and wrapped checkpoints read the same.
 */
export function normalizeWeightNames(weights: VitWeights): VitWeights {
  if (W.cls in weights) return weights;
  const out: VitWeights = {};
  for (const [k, v] of Object.entries(weights)) out[k.startsWith('vit.') ? k.slice(4) : k] = v;
  return out;
}

function bad(file: string, message: string): AcsegError {
  return new AcsegError('BAD_CHECKPOINT', `${file}: ${message}`, {
    file,
    hint: 'expected a DINO ViT checkpoint in Hugging Face ViTModel naming (e.g. model.safetensors of facebook/dino-vits16)',
  });
}

/**
 * Reads the architecture off the tensor shapes (config.json, when given,
 * supplies the head count; otherwise head dim 64 as in every DINO ViT) and
 * checks that every tensor is present with the shape the architecture needs.
 */
export function inferVitConfig(weights: VitWeights, file: string, json?: HubVitConfigJson): VitConfig {
  const get = (name: string): WeightTensor => {
    const t = weights[name];
    if (!t) throw bad(file, `missing tensor "${name}"`);
    if (!(t.data instanceof Float32Array)) throw bad(file, `tensor "${name}" is not a float tensor`);
    return t;
  };
  const cls = get(W.cls);
  if (cls.shape.length !== 3 || cls.shape[0] !== 1 || cls.shape[1] !== 1) throw bad(file, `tensor "${W.cls}" has shape [${cls.shape}], expected [1, 1, dim]`);
  const dim = cls.shape[2];
  const pw = get(W.patchW);
  if (pw.shape.length !== 4 || pw.shape[0] !== dim || pw.shape[1] !== 3 || pw.shape[2] !== pw.shape[3]) {
    throw bad(file, `tensor "${W.patchW}" has shape [${pw.shape}], expected [${dim}, 3, p, p]`);
  }
  const patchSize = pw.shape[2];
  const pos = get(W.pos);
  const n = pos.shape[1] - 1;
  const gridSize = Math.round(Math.sqrt(n));
  if (pos.shape.length !== 3 || pos.shape[0] !== 1 || pos.shape[2] !== dim || gridSize * gridSize !== n || n < 1) {
    throw bad(file, `tensor "${W.pos}" has shape [${pos.shape}], expected [1, 1 + g², ${dim}]`);
  }
  let depth = 0;
  while (`${W.block(depth)}${W.blockParts[0]}` in weights) depth++;
  if (depth === 0) throw bad(file, `missing tensor "${W.block(0)}${W.blockParts[0]}" (no transformer blocks found)`);
  const mlpW = get(`${W.block(0)}intermediate.dense.weight`);
  const mlpDim = mlpW.shape[0];
  if (json?.hidden_act && json.hidden_act !== 'gelu') throw bad(file, `config hidden_act "${json.hidden_act}" is not supported (DINO uses exact GELU)`);
  if (json?.hidden_size !== undefined && json.hidden_size !== dim) throw bad(file, `config hidden_size ${json.hidden_size} disagrees with the weights (${dim})`);
  if (json?.num_hidden_layers !== undefined && json.num_hidden_layers !== depth) throw bad(file, `config num_hidden_layers ${json.num_hidden_layers} disagrees with the weights (${depth} blocks)`);
  const heads = json?.num_attention_heads ?? Math.max(1, Math.round(dim / 64));
  if (!Number.isInteger(heads) || heads < 1 || dim % heads !== 0) throw bad(file, `${heads} attention heads do not divide the dimension ${dim}`);
  const expect: Record<string, number[]> = {
    [W.patchB]: [dim], [W.finalW]: [dim], [W.finalB]: [dim],
  };
  for (let i = 0; i < depth; i++) {
    const b = W.block(i);
    for (const part of ['layernorm_before', 'layernorm_after']) { expect[`${b}${part}.weight`] = [dim]; expect[`${b}${part}.bias`] = [dim]; }
    for (const part of ['attention.attention.query', 'attention.attention.key', 'attention.attention.value', 'attention.output.dense']) {
      expect[`${b}${part}.weight`] = [dim, dim];
      expect[`${b}${part}.bias`] = [dim];
    }
    expect[`${b}intermediate.dense.weight`] = [mlpDim, dim];
    expect[`${b}intermediate.dense.bias`] = [mlpDim];
    expect[`${b}output.dense.weight`] = [dim, mlpDim];
    expect[`${b}output.dense.bias`] = [dim];
  }
  for (const [name, shape] of Object.entries(expect)) {
    const t = get(name);
    if (t.shape.length !== shape.length || t.shape.some((s, j) => s !== shape[j])) {
      throw bad(file, `tensor "${name}" has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
  }
  return { dim, depth, heads, patchSize, mlpDim, gridSize, layerNormEps: 1e-6 };
}
