import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { AcsegError, type ModelHub } from '@acseg/core';
import { CacheModelHub, defaultCacheDir } from '@acseg/model-hub';
import { modelNameFromPath } from '../model-name.js';
import { DINO_MODELS } from './catalog.js';

export interface ResolvedModel {
  /** The .onnx file to load. */
  path: string;
  /** `hub-onnx`: a Hub export (the attention output is added at load); `acseg-onnx`: written by `acseg models convert`. */
  layout: 'hub-onnx' | 'acseg-onnx';
  /** The model's identity for feature caches: the known name, or the folder it came from. */
  name: string;
}

export interface ResolveOptions {
  /** The run's model hub (service `models`); default: one over this plugin's models in `cacheDir`. */
  hub?: ModelHub;
  /** Without a hub: default defaultCacheDir(). */
  cacheDir?: string;
  /** Revision folder to look in first (default "main"; any other cached revision is used when main is absent). */
  revision?: string;
  hubUrl?: string;
}

const kind = (path: string) =>
  stat(path).then(
    (s) => (s.isDirectory() ? 'dir' : s.isFile() ? 'file' : null),
    () => null,
  );

function fromFile(file: string): ResolvedModel {
  return { path: file, layout: basename(dirname(resolvePath(file))) === 'onnx' ? 'hub-onnx' : 'acseg-onnx', name: modelNameFromPath(file) };
}

/**
 * Finds the ONNX file for a model given as: an .onnx file; a folder holding
 * onnx/model.onnx (Hub layout) or model.onnx (acseg layout); or a known model
 * name pulled into the cache. Otherwise MODEL_NOT_FOUND, with the pull command
 * and the by-hand instructions.
 */
export async function resolveModelFile(nameOrPath: string, opts: ResolveOptions = {}): Promise<ResolvedModel> {
  const what = await kind(nameOrPath);
  if (what === 'file') return fromFile(nameOrPath);
  if (what === 'dir') {
    const tried = [join(nameOrPath, 'onnx', 'model.onnx'), join(nameOrPath, 'model.onnx')];
    for (const t of tried) if ((await kind(t)) === 'file') return fromFile(t);
    throw new AcsegError('MODEL_NOT_FOUND', `${nameOrPath}: the folder holds no ONNX model (looked for ${tried.join(' and ')})`, {
      file: nameOrPath,
      hint: 'place a Hub export as <folder>/onnx/model.onnx, or convert weights with `acseg models convert`',
    });
  }
  const hub = opts.hub ?? new CacheModelHub({ cacheDir: opts.cacheDir ?? defaultCacheDir(), models: DINO_MODELS, hubUrl: opts.hubUrl });
  const spec = hub.find(nameOrPath);
  if (!spec) {
    throw new AcsegError('MODEL_NOT_FOUND', `${nameOrPath}: no such file or folder, and not a known model name (known: ${backboneModels(hub).join(', ')})`, {
      file: nameOrPath,
      hint: 'pass the path of an .onnx file or of a folder holding onnx/model.onnx, or a known name (then `acseg models pull <name>`)',
    });
  }
  if (spec.layout !== 'hub-onnx' && spec.layout !== 'safetensors') {
    throw new AcsegError('BAD_MODEL', `${nameOrPath} is not a ViT backbone model (${spec.description})`, {
      hint: 'pass a DINO model: dino-vits16, dino-vits8, ...',
    });
  }
  const found = await hub.resolve(nameOrPath, { revision: opts.revision });
  return { path: found.onnx!, layout: spec.layout === 'hub-onnx' ? 'hub-onnx' : 'acseg-onnx', name: found.name };
}

/** The declared names a backbone can load (ONNX exports and converted weights), for messages. */
function backboneModels(hub: ModelHub): string[] {
  return hub.names().filter((n) => ['hub-onnx', 'safetensors'].includes(hub.find(n)?.layout ?? 'files'));
}
