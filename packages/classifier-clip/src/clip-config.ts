import { AcsegError } from '@acseg/core';

/** A float tensor as read from safetensors. */
export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

export type Weights = Record<string, WeightTensor>;

export type Activation = 'quick_gelu' | 'gelu';

export interface TowerConfig {
  width: number;
  heads: number;
  layers: number;
  mlp: number;
  eps: number;
  act: Activation;
}

export interface ClipConfig {
  vision: TowerConfig & { patch: number; imageSize: number };
  text: TowerConfig & { context: number; vocab: number };
  /** Joint embedding size (512 for ViT-B/16). */
  projection: number;
}

interface HfTowerConfig {
  num_attention_heads?: number;
  layer_norm_eps?: number;
  hidden_act?: string;
}

/** The parts of a transformers CLIPConfig (config.json) read here; sizes come from the weights. */
export interface HfClipConfig {
  vision_config?: HfTowerConfig;
  text_config?: HfTowerConfig;
}

function need(w: Weights, name: string, file: string, rank?: number): WeightTensor {
  const t = w[name];
  if (!t)
    throw new AcsegError(
      'BAD_MODEL',
      `${file}: tensor "${name}" is missing; expected the weights of transformers' CLIPModel (e.g. openai/clip-vit-base-patch16)`,
      { file },
    );
  if (rank !== undefined && t.shape.length !== rank)
    throw new AcsegError('BAD_MODEL', `${file}: tensor "${name}" has shape [${t.shape.join(',')}], expected rank ${rank}`, { file });
  return t;
}

function countLayers(w: Weights, prefix: string): number {
  let n = 0;
  while (w[`${prefix}.encoder.layers.${n}.layer_norm1.weight`]) n++;
  return n;
}

function activation(name: string | undefined, file: string): Activation {
  const a = name ?? 'quick_gelu';
  if (a === 'quick_gelu' || a === 'gelu') return a;
  throw new AcsegError('BAD_MODEL', `${file}: hidden_act "${a}" is not supported (quick_gelu or gelu)`, { file });
}

function heads(width: number, hf: HfTowerConfig | undefined, fallback: number, file: string): number {
  const h = hf?.num_attention_heads ?? fallback;
  if (!Number.isInteger(h) || h < 1 || width % h !== 0) {
    throw new AcsegError('BAD_MODEL', `${file}: num_attention_heads ${h} does not divide the width ${width}`, { file });
  }
  return h;
}

/** One tower's shape: sizes from the weights, the rest from its config.json section (64-wide heads by default). */
function tower(width: number, layers: number, fc1: WeightTensor, hf: HfTowerConfig | undefined, file: string): TowerConfig {
  return {
    width,
    heads: heads(width, hf, Math.max(1, width / 64), file),
    layers,
    mlp: fc1.shape[0],
    eps: hf?.layer_norm_eps ?? 1e-5,
    act: activation(hf?.hidden_act, file),
  };
}

/**
 * Derives the architecture from the weights (widths, depths, patch size,
 * input size, vocabulary, context) and config.json (heads, eps, activation;
 * transformers' defaults: 64-wide heads for vision, 8 heads for text at 512, quick_gelu, 1e-5).
 */
export function clipConfig(w: Weights, hf: HfClipConfig, file: string): ClipConfig {
  const patchW = need(w, 'vision_model.embeddings.patch_embedding.weight', file, 4);
  const vPos = need(w, 'vision_model.embeddings.position_embedding.weight', file, 2);
  const vFc1 = need(w, 'vision_model.encoder.layers.0.mlp.fc1.weight', file, 2);
  const vProj = need(w, 'visual_projection.weight', file, 2);
  const tTok = need(w, 'text_model.embeddings.token_embedding.weight', file, 2);
  const tPos = need(w, 'text_model.embeddings.position_embedding.weight', file, 2);
  const tFc1 = need(w, 'text_model.encoder.layers.0.mlp.fc1.weight', file, 2);
  const tProj = need(w, 'text_projection.weight', file, 2);
  const vWidth = patchW.shape[0];
  const patch = patchW.shape[2];
  const grid = Math.round(Math.sqrt(vPos.shape[0] - 1));
  if (grid * grid !== vPos.shape[0] - 1)
    throw new AcsegError('BAD_MODEL', `${file}: the vision position embedding has ${vPos.shape[0]} rows, not 1 + a square grid`, { file });
  const tWidth = tTok.shape[1];
  if (vProj.shape[0] !== tProj.shape[0])
    throw new AcsegError('BAD_MODEL', `${file}: visual_projection (${vProj.shape[0]}) and text_projection (${tProj.shape[0]}) disagree on the joint size`, {
      file,
    });
  const vLayers = countLayers(w, 'vision_model');
  const tLayers = countLayers(w, 'text_model');
  if (vLayers < 1 || tLayers < 1) throw new AcsegError('BAD_MODEL', `${file}: no encoder layers found`, { file });
  return {
    vision: {
      ...tower(vWidth, vLayers, vFc1, hf.vision_config, file),
      patch,
      imageSize: grid * patch,
    },
    text: {
      ...tower(tWidth, tLayers, tFc1, hf.text_config, file),
      context: tPos.shape[0],
      vocab: tTok.shape[0],
    },
    projection: vProj.shape[0],
  };
}

/** Looks up a tensor and checks its shape. */
export function weight(w: Weights, name: string, shape: readonly number[], file: string): Float32Array {
  const t = need(w, name, file);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new AcsegError('BAD_MODEL', `${file}: tensor "${name}" has shape [${t.shape.join(',')}], expected [${shape.join(',')}]`, { file });
  }
  return t.data;
}
