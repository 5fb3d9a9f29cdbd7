import { AcsegError } from '@acseg/core';
import { modelSha256 } from '@acseg/model-hub';
import { existsSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { familyOfModelType } from './vit/families.js';
import { describeVitModel, type ModelHints, type VitModelFile } from './onnx/describe.js';

/** The .onnx file of a model given as a file or a folder (Hub layout onnx/model.onnx, or model.onnx). */
export function modelFileIn(path: string): string {
  if (!existsSync(path)) {
    throw new AcsegError('MODEL_NOT_FOUND', `${path}: no such model file or folder`, {
      file: path,
      hint: 'give the path of an .onnx file or a model folder, or a model name from `acseg models list`',
    });
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
  const model = describeVitModel(content, file, await hubHints(file));
  return { ...model, sha256: await modelSha256(file, content, before, opts.hashCacheDir) };
}

/**
 * The token layout a Hub export's config.json declares (model_type,
 * num_register_tokens): `<repo>/config.json` beside `<repo>/onnx/model.onnx`,
 * or beside the file itself. Absent or unreadable: no hints.
 */
export async function hubHints(file: string): Promise<ModelHints> {
  const dir = dirname(file);
  const candidates = basename(dir) === 'onnx' ? [join(dirname(dir), 'config.json'), join(dir, 'config.json')] : [join(dir, 'config.json')];
  for (const c of candidates) {
    let json: { model_type?: unknown; num_register_tokens?: unknown };
    try {
      json = JSON.parse(await readFile(c, 'utf8')) as typeof json;
    } catch {
      continue;
    }
    const registers = json.num_register_tokens;
    return {
      family: familyOfModelType(json.model_type),
      registers: typeof registers === 'number' && Number.isInteger(registers) && registers >= 0 ? registers : undefined,
    };
  }
  return {};
}
