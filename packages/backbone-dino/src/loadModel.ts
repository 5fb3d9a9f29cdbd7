import { AcsegError } from '@acseg/core';
import { existsSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { modelSha256 } from './models/modelHash.js';
import { describeVitModel, type VitModelFile } from './onnx/describe.js';

/** The .onnx file of a model given as a file or a folder (Hub layout onnx/model.onnx, or model.onnx). */
export function modelFileIn(path: string): string {
  if (!existsSync(path)) {
    throw new AcsegError('MODEL_NOT_FOUND', `${path}: no such model file or folder`, { file: path, hint: 'give the path of an .onnx file or a model folder, or a model name from `acseg models list`' });
  }
  if (!statSync(path).isDirectory()) return path;
  const tried = [join(path, 'onnx', 'model.onnx'), join(path, 'model.onnx')];
  const found = tried.find((p) => existsSync(p));
  if (!found) {
    throw new AcsegError('MODEL_NOT_FOUND', `${path}: the folder holds no ONNX model (looked for ${tried.join(', ')})`, {
      file: path,
      hint: 'place the Hub export as <folder>/onnx/model.onnx, or convert weights with `acseg models convert`',
    });
  }
  return found;
}

export interface LoadVitModelOptions {
  /** The acseg cache folder, where the model's hash is remembered (default: hashed on every load). */
  hashCacheDir?: string;
}

/** Reads and checks a ViT ONNX file (exposing its last attention when needed), with the SHA-256 of its content. */
export async function loadVitModel(path: string, opts: LoadVitModelOptions = {}): Promise<VitModelFile & { sha256: string }> {
  const file = modelFileIn(path);
  let bytes: Buffer;
  let before: Awaited<ReturnType<typeof stat>>;
  try {
    before = await stat(file);
    bytes = await readFile(file);
  } catch (e) {
    throw new AcsegError('MODEL_NOT_FOUND', `${file}: cannot read the model file (${(e as Error).message})`, { file, cause: e });
  }
  const content = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const model = describeVitModel(content, file);
  return { ...model, sha256: await modelSha256(file, content, before, opts.hashCacheDir) };
}
