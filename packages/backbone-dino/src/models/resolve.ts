import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { AcsegError } from '@acseg/core';
import { modelNameFromPath } from '../model-name.js';
import { defaultCacheDir, modelDir } from './cache-dir.js';
import { byHandInstructions, defaultHubUrl } from './instructions.js';
import { listModels } from './list.js';
import { findModel, knownModelNames } from './registry.js';

export interface ResolvedModel {
  /** The .onnx file to load. */
  path: string;
  /** `hub-onnx`: a Hub export (the attention output is added at load); `acseg-onnx`: written by `acseg models convert`. */
  layout: 'hub-onnx' | 'acseg-onnx';
  /** The model's identity for feature caches: the known name, or the folder it came from. */
  name: string;
}

export interface ResolveOptions {
  /** Default: defaultCacheDir(). */
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
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
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
  const spec = findModel(nameOrPath);
  if (!spec) {
    throw new AcsegError('MODEL_NOT_FOUND', `${nameOrPath}: no such file or folder, and not a known model name (known: ${knownModelNames().join(', ')})`, {
      file: nameOrPath,
      hint: 'pass the path of an .onnx file or of a folder holding onnx/model.onnx, or a known name (then `acseg models pull <name>`)',
    });
  }
  if (spec.layout === 'files') {
    throw new AcsegError('BAD_MODEL', `${spec.name} is not a ViT backbone model (${spec.description})`, {
      hint: 'pass a DINO model: dino-vits16, dino-vits8, ...',
    });
  }
  const revision = opts.revision ?? 'main';
  const dir = modelDir(cacheDir, spec.name, revision);
  const folders = (await listModels(cacheDir)).filter((m) => m.name === spec.name);
  const cached = folders.filter((m) => m.usable);
  const pick = cached.find((m) => m.revision === revision) ?? (opts.revision ? undefined : cached[0]);
  if (pick) return { path: pick.onnx!, layout: spec.layout === 'hub-onnx' ? 'hub-onnx' : 'acseg-onnx', name: spec.name };
  const weightsHere = spec.layout === 'safetensors' && (await kind(join(dir, 'model.safetensors'))) === 'file';
  const instructions = byHandInstructions(spec, dir, opts.hubUrl ?? defaultHubUrl(), revision);
  // A folder that is there but cannot be used is a broken install, not an absent model: say what is wrong
  // (a caller falls back to another backbone only for an absent one).
  const broken = folders.find((m) => m.revision === revision) ?? (opts.revision ? undefined : folders[0]);
  if (broken && !weightsHere) {
    const what = broken.missing.length ? `lacks ${broken.missing.join(', ')}` : 'holds no ONNX file';
    throw new AcsegError(
      'BAD_MODEL',
      `model ${spec.name} in the cache is incomplete: ${broken.dir} ${what}${broken.problems.map((p) => `\n  ${p}`).join('')}\n${instructions}`,
      {
        file: broken.dir,
        hint: `run \`acseg models pull ${spec.name} --force\`, or place the files as shown`,
      },
    );
  }
  throw new AcsegError('MODEL_NOT_FOUND', `model ${spec.name} is not in the cache (${dir})\n${instructions}`, {
    file: dir,
    hint: weightsHere
      ? `the weights are there but not converted: run \`acseg models pull ${spec.name} --offline\``
      : `run \`acseg models pull ${spec.name}\`${spec.layout === 'safetensors' ? `, or place the files as shown and run \`acseg models pull ${spec.name} --offline\`` : ', or place the files as shown'}`,
  });
}
