import { AcsegError } from '@acseg/core';

/**
 * How a known model's files are laid out once downloaded:
 * - `hub-onnx`: a ViT ONNX export as published on the Hub (onnx/model.onnx +
 *   config.json); the backbone exposes its last attention at load time.
 * - `safetensors`: the official weights (model.safetensors + config.json),
 *   converted after download into an acseg ONNX file (model.onnx).
 * - `files`: downloaded as they are, for another plugin to read (CLIP's
 *   weights and tokenizer for @acseg/classifier-clip).
 */
export type ModelLayout = 'hub-onnx' | 'safetensors' | 'files';

export interface KnownModel {
  name: string;
  /** Hugging Face Hub repository. */
  repo: string;
  /** Files to download, as paths in the repository. */
  files: readonly string[];
  layout: ModelLayout;
  patchSize: number;
  dim: number;
  heads: number;
  description: string;
}

const VITS = { dim: 384, heads: 6 };
const VITB = { dim: 768, heads: 12 };
const ONNX_FILES = ['onnx/model.onnx', 'config.json'] as const;
const ST_FILES = ['model.safetensors', 'config.json'] as const;

function onnxModel(size: 's' | 'b', patch: 8 | 16): KnownModel {
  return {
    name: `dino-vit${size}${patch}`, repo: `Xenova/dino-vit${size}${patch}`, files: ONNX_FILES, layout: 'hub-onnx',
    patchSize: patch, ...(size === 's' ? VITS : VITB),
    description: `DINO ViT-${size.toUpperCase()}/${patch}, ONNX export (Xenova)`,
  };
}

function weightsModel(size: 's' | 'b', patch: 8 | 16): KnownModel {
  return {
    name: `facebook/dino-vit${size}${patch}`, repo: `facebook/dino-vit${size}${patch}`, files: ST_FILES, layout: 'safetensors',
    patchSize: patch, ...(size === 's' ? VITS : VITB),
    description: `DINO ViT-${size.toUpperCase()}/${patch}, official weights (safetensors), converted to ONNX after download`,
  };
}

const CLIP: KnownModel = {
  name: 'clip-vit-base-patch16', repo: 'openai/clip-vit-base-patch16',
  files: ['model.safetensors', 'config.json', 'tokenizer.json', 'tokenizer_config.json'], layout: 'files',
  patchSize: 16, dim: 768, heads: 12,
  description: 'CLIP ViT-B/16 weights and tokenizer, for @acseg/classifier-clip (paper Table 4)',
};

/** The models `acseg models pull` knows, by name. The paper uses ViT-S/8 and ViT-S/16 (§4.1). */
export const KNOWN_MODELS: Readonly<Record<string, KnownModel>> = Object.freeze(Object.fromEntries(
  [onnxModel('s', 16), onnxModel('s', 8), onnxModel('b', 16), onnxModel('b', 8),
    weightsModel('s', 16), weightsModel('s', 8), weightsModel('b', 16), weightsModel('b', 8), CLIP].map((m) => [m.name, m]),
));

export function knownModelNames(): string[] {
  return Object.keys(KNOWN_MODELS);
}

export function findModel(name: string): KnownModel | undefined {
  return Object.hasOwn(KNOWN_MODELS, name) ? KNOWN_MODELS[name] : undefined;
}

export function getModel(name: string): KnownModel {
  const m = findModel(name);
  if (!m) {
    throw new AcsegError('MODEL_NOT_FOUND', `unknown model "${name}". Known models: ${knownModelNames().join(', ')}`, {
      hint: 'pick one of the names above, or pass the path of an .onnx file (or a folder holding onnx/model.onnx or model.onnx)',
    });
  }
  return m;
}
