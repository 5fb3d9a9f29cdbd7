import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { AcsegError, isAcsegError, type ModelHub } from '@acseg/core';
import { modelDir } from '@acseg/model-hub';

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

async function missingIn(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (const f of REQUIRED_FILES) if (!(await isFile(join(dir, f)))) missing.push(f);
  return missing;
}

function filesIn(dir: string): ModelFiles {
  return { dir, weights: join(dir, 'model.safetensors'), tokenizer: join(dir, 'tokenizer.json'), config: join(dir, 'config.json') };
}

/**
 * The `model` option: an existing folder (absolute or relative path), or a
 * name. A name a plugin declares is asked of the run's model hub (any pulled
 * revision); otherwise, or when the hub has no usable folder of it, it is
 * looked up as `<cacheDir>/models/<name>/main/` (where `acseg models pull`
 * puts Hub repositories, "/" in names written "--"), a bare name also as
 * `openai--<name>`. Missing files → MODEL_NOT_FOUND naming them and the folder.
 */
export async function resolveModelFiles(model: string, cacheDir: string, hub?: ModelHub): Promise<ModelFiles> {
  const looksLikePath = isAbsolute(model) || model.startsWith('.') || (await isDir(model));
  if (!looksLikePath && hub?.find(model)) {
    // Not usable there (absent, or lacking an optional file the hub counts): the checks below name the files CLIP needs.
    const found = await hub.resolve(model).catch((e: unknown) => {
      if (isAcsegError(e) && (e.code === 'MODEL_NOT_FOUND' || e.code === 'BAD_MODEL')) return undefined;
      throw e;
    });
    if (found) return filesIn(found.dir);
  }
  const candidates = looksLikePath ? [resolve(model)] : [modelDir(cacheDir, model), ...(model.includes('/') ? [] : [modelDir(cacheDir, `openai/${model}`)])];
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
  return filesIn(dir);
}
