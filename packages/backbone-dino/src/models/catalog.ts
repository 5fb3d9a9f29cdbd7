import { AcsegError, type ModelConverter, type ModelSpec } from '@acseg/core';
import type { VitFamily } from '../vit/families.js';

/**
 * A model this plugin declares (its manifest's `models`, pulled by @acseg/model-hub). Layouts:
 * - `hub-onnx`: a ViT ONNX export as published on the Hub (onnx/model.onnx +
 *   config.json); the backbone exposes its last attention at load time.
 * - `safetensors`: the official weights (model.safetensors + config.json),
 *   converted after download into an acseg ONNX file (model.onnx).
 */
export interface DinoModel extends ModelSpec {
  name: string;
  layout: 'hub-onnx' | 'safetensors';
  /** Backbone family ('dino', 'dinov2', 'dinov3'). */
  family: VitFamily;
  /** Register tokens after CLS (DINOv2 with registers, DINOv3: 4). */
  registers?: number;
  /** The input side used when none is given: the paper's 224 (§4.1), which all these models were trained at. */
  defaultInputSize?: number;
  patchSize: number;
  dim: number;
  heads: number;
}

/** The checkpoint converter, loaded only when a pull converts weights (listing models stays cheap). */
const convert: ModelConverter = async (o) => (await import('../onnx/convert.js')).convertCheckpoint(o);

const VITS = { dim: 384, heads: 6 };
const VITB = { dim: 768, heads: 12 };
const ONNX_FILES = ['onnx/model.onnx', 'config.json'] as const;
const ST_FILES = ['model.safetensors', 'config.json'] as const;

type Arch = Pick<DinoModel, 'family' | 'registers' | 'patchSize' | 'dim' | 'heads' | 'defaultInputSize' | 'gated'>;

/** A ViT ONNX export as published on the Hub (`exporter`: who made it). */
function exportModel(name: string, repo: string, arch: Arch, what: string, exporter: string): DinoModel {
  return { name, repo, files: ONNX_FILES, layout: 'hub-onnx', ...arch, description: `${what}, ONNX export (${exporter})` };
}

/** The official weights of `facebook/<hubName>`, converted to ONNX after download. */
function officialModel(hubName: string, arch: Arch, what: string): DinoModel {
  return {
    name: `facebook/${hubName}`,
    repo: `facebook/${hubName}`,
    files: ST_FILES,
    layout: 'safetensors',
    convert,
    ...arch,
    description: `${what}, official weights (safetensors), converted to ONNX after download`,
  };
}

const dinoArch = (size: 's' | 'b', patch: 8 | 16): Arch => ({ family: 'dino', registers: 0, patchSize: patch, ...(size === 's' ? VITS : VITB) });
const dinoWhat = (size: 's' | 'b', patch: 8 | 16) => `DINO ViT-${size.toUpperCase()}/${patch}`;

function onnxModel(size: 's' | 'b', patch: 8 | 16): DinoModel {
  return exportModel(`dino-vit${size}${patch}`, `Xenova/dino-vit${size}${patch}`, dinoArch(size, patch), dinoWhat(size, patch), 'Xenova');
}

function weightsModel(size: 's' | 'b', patch: 8 | 16): DinoModel {
  return officialModel(`dino-vit${size}${patch}`, dinoArch(size, patch), dinoWhat(size, patch));
}

const DINOV3_LICENCE = 'the DINOv3 License';
const SIZE_WORD = { s: 'small', b: 'base' } as const;

/**
 * DINOv2 (Oquab et al. 2023) ViT-S/14 and B/14, with and without the 4
 * register tokens of Darcet et al. 2024: the Transformers.js ONNX exports
 * (`Xenova/dinov2-small`, `onnx-community/dinov2-with-registers-small`, …;
 * config.json declares the registers) and the official safetensors.
 */
function dinov2Models(size: 's' | 'b', registers: boolean): DinoModel[] {
  const arch = { ...(size === 's' ? VITS : VITB), patchSize: 14, family: 'dinov2' as const, registers: registers ? 4 : 0, defaultInputSize: 224 };
  const hubName = `dinov2-${registers ? 'with-registers-' : ''}${SIZE_WORD[size]}`;
  const what = `DINOv2${registers ? ' with registers' : ''} ViT-${size.toUpperCase()}/14`;
  return [
    exportModel(`dinov2${registers ? '-reg' : ''}-vit${size}14`, registers ? `onnx-community/${hubName}` : `Xenova/${hubName}`, arch, what, 'Transformers.js'),
    officialModel(hubName, arch, what),
  ];
}

/** DINOv3 (Siméoni et al. 2025) ViT-S/16 and B/16 (LVD-1689M): 2-D RoPE, 4 registers; gated behind the DINOv3 License. */
function dinov3Models(size: 's' | 'b'): DinoModel[] {
  const arch = {
    ...(size === 's' ? VITS : VITB),
    patchSize: 16,
    family: 'dinov3' as const,
    registers: 4,
    defaultInputSize: 224,
    gated: { licence: DINOV3_LICENCE },
  };
  const hubName = `dinov3-vit${size}16-pretrain-lvd1689m`;
  const what = `DINOv3 ViT-${size.toUpperCase()}/16 (LVD-1689M)`;
  return [exportModel(`dinov3-vit${size}16`, `onnx-community/${hubName}-ONNX`, arch, what, 'Transformers.js'), officialModel(hubName, arch, what)];
}

/** The models this plugin declares, by name. The paper uses DINO ViT-S/8 and ViT-S/16 (§4.1); DINOv2 and DINOv3 are newer backbones. */
export const DINO_MODELS: Readonly<Record<string, DinoModel>> = Object.freeze(
  Object.fromEntries(
    [
      onnxModel('s', 16),
      onnxModel('s', 8),
      onnxModel('b', 16),
      onnxModel('b', 8),
      weightsModel('s', 16),
      weightsModel('s', 8),
      weightsModel('b', 16),
      weightsModel('b', 8),
      ...dinov2Models('s', false),
      ...dinov2Models('b', false),
      ...dinov2Models('s', true),
      ...dinov2Models('b', true),
      ...dinov3Models('s'),
      ...dinov3Models('b'),
    ].map((m) => [m.name, m]),
  ),
);

export function knownModelNames(): string[] {
  return Object.keys(DINO_MODELS);
}

export function findModel(name: string): DinoModel | undefined {
  return Object.hasOwn(DINO_MODELS, name) ? DINO_MODELS[name] : undefined;
}

export function getModel(name: string): DinoModel {
  const m = findModel(name);
  if (!m) {
    throw new AcsegError('MODEL_NOT_FOUND', `unknown model "${name}". Known models: ${knownModelNames().join(', ')}`, {
      hint: 'pick one of the names above, or pass the path of an .onnx file (or a folder holding onnx/model.onnx or model.onnx)',
    });
  }
  return m;
}
