import { AcsegError } from '@acseg/core';
import { readSafetensors } from '@acseg/safetensors';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { basename, dirname, join } from 'node:path';
import { inferVitConfig, normalizeWeightNames, type HubVitConfigJson, type VitWeights } from '../vit/config.js';
import { buildVitOnnx, inputShape, type InputShape } from './build-vit.js';
import type { VitFamily } from '../vit/families.js';

export interface ConvertOptions {
  /** A safetensors file of a DINO, DINOv2 or DINOv3 ViT in Hub (transformers) naming (e.g. facebook/dinov2-small's model.safetensors). */
  weights: string;
  /** Its config.json (supplies the head count; without it, head dim 64 is assumed as in all DINO ViTs). */
  config?: string;
  /** Output .onnx path (an existing folder gets model.onnx inside). */
  out: string;
  /** Input side, or height × width, multiples of the patch size (default 224); positions are resized (or RoPE computed) for it. */
  inputSize?: number | InputShape;
  /** Name recorded in the model (default: the weights' folder name, e.g. "dino-vits16"). */
  modelName?: string;
}

export interface ConvertResult {
  out: string;
  info: {
    family: VitFamily;
    dim: number;
    depth: number;
    heads: number;
    patchSize: number;
    registers: number;
    inputSize: number;
    inputHeight: number;
    inputWidth: number;
  };
}

function defaultName(weights: string): string {
  const dir = basename(dirname(weights));
  return dir.replace(/^(models--)?facebook(--|_|\/)/, '') || 'dino-vit';
}

/**
 * Writes an ONNX ViT (see buildVitOnnx) from a safetensors checkpoint.
 * Missing or misshapen tensors are BAD_CHECKPOINT errors naming the tensor
 * and the file. The output is written atomically (temp file + rename).
 */
export async function convertCheckpoint(opts: ConvertOptions): Promise<ConvertResult> {
  let tensors: Record<string, { shape: number[]; data: unknown }>;
  try {
    tensors = (await readSafetensors(opts.weights)).tensors;
  } catch (e) {
    throw new AcsegError('BAD_CHECKPOINT', `${opts.weights}: cannot read the weights: ${(e as Error).message}`, { file: opts.weights, cause: e });
  }
  const weights: VitWeights = {};
  for (const [name, t] of Object.entries(tensors)) if (t.data instanceof Float32Array) weights[name] = { shape: t.shape, data: t.data };
  let json: HubVitConfigJson | undefined;
  if (opts.config) {
    try {
      json = JSON.parse(await readFile(opts.config, 'utf8')) as HubVitConfigJson;
    } catch (e) {
      throw new AcsegError('BAD_CHECKPOINT', `${opts.config}: cannot read the config: ${(e as Error).message}`, { file: opts.config, cause: e });
    }
  }
  const named = normalizeWeightNames(weights);
  const config = inferVitConfig(named, opts.weights, json);
  const shape = inputShape(opts.inputSize ?? 224);
  const bytes = buildVitOnnx(named, config, { inputSize: shape, modelName: opts.modelName ?? defaultName(opts.weights) });
  const out = existsSync(opts.out) && statSync(opts.out).isDirectory() ? join(opts.out, 'model.onnx') : opts.out;
  await mkdir(dirname(out), { recursive: true });
  try {
    await writeFileAtomic(out, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new AcsegError('BAD_CONFIG', `${out}: cannot write the model: ${(e as Error).message}`, { file: out, cause: e });
  }
  return {
    out,
    info: {
      family: config.family ?? 'dino',
      dim: config.dim,
      depth: config.depth,
      heads: config.heads,
      patchSize: config.patchSize,
      registers: config.registers ?? 0,
      inputSize: Math.min(shape.height, shape.width),
      inputHeight: shape.height,
      inputWidth: shape.width,
    },
  };
}
