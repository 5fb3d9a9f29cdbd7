import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { AcsegError } from '@acseg/core';

/** The files a model folder must hold (transformers' CLIPModel checkpoint, e.g. openai/clip-vit-base-patch16). */
export const REQUIRED_FILES = ['model.safetensors', 'tokenizer.json'] as const;
/** Read when present: heads, layer-norm epsilon and activation (transformers' defaults otherwise). */
export const OPTIONAL_FILES = ['config.json', 'tokenizer_config.json'] as const;

export interface ModelFiles {
  dir: string;
  weights: string;
  tokenizer: string;
  config: string;
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Folder name of a model in the cache, as `acseg models pull` writes it: "/" → "--". */
export function modelFolderName(name: string): string {
  return name.replace(/\//g, '--');
}

async function missingIn(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (const f of REQUIRED_FILES) if (!(await isFile(join(dir, f)))) missing.push(f);
  return missing;
}

/**
 * The `model` option: an existing folder (absolute or relative path), or a
 * name looked up as `<cacheDir>/models/<name>/main/` (where `acseg models
 * pull` puts Hub repositories, "/" in names written "--"); a bare name is
 * also looked up as `openai--<name>`. Missing files → MODEL_NOT_FOUND naming them and the folder.
 */
export async function resolveModelFiles(model: string, cacheDir: string): Promise<ModelFiles> {
  const looksLikePath = isAbsolute(model) || model.startsWith('.') || (await isDir(model));
  const candidates = looksLikePath
    ? [resolve(model)]
    : [join(cacheDir, 'models', modelFolderName(model), 'main'), ...(model.includes('/') ? [] : [join(cacheDir, 'models', `openai--${model}`, 'main')])];
  let dir = candidates[0];
  let missing = await missingIn(dir);
  for (const c of candidates.slice(1)) {
    if (!missing.length) break;
    if (!(await missingIn(c)).length) {
      dir = c;
      missing = [];
    }
  }
  if (missing.length) {
    throw new AcsegError('MODEL_NOT_FOUND', `CLIP model "${model}": ${missing.join(', ')} not found in ${dir}`, {
      file: join(dir, missing[0]),
      hint:
        `place model.safetensors, tokenizer.json and config.json of openai/clip-vit-base-patch16 (Hugging Face Hub) in ${dir}, ` +
        'or run `acseg models pull clip-vit-base-patch16`, or give a folder holding them (option model: --set clip.model=DIR)',
    });
  }
  return { dir, weights: join(dir, 'model.safetensors'), tokenizer: join(dir, 'tokenizer.json'), config: join(dir, 'config.json') };
}
