import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AcsegError, type CachedModelFolder } from '@acseg/core';
import { modelDir } from './cache-dir.js';
import type { NamedModel } from './catalog.js';
import { byHandInstructions, defaultHubUrl } from './instructions.js';
import { listModels } from './list.js';

export interface ResolveCachedOptions {
  cacheDir: string;
  /** Revision folder to look in first (default "main"; any other cached revision is used when main is absent). */
  revision?: string;
  hubUrl?: string;
}

const isFile = (path: string) =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );

/**
 * The cached folder of a declared model: the revision asked for, else main,
 * else any usable cached revision. Otherwise MODEL_NOT_FOUND with the pull
 * command and the by-hand steps, or BAD_MODEL when a folder is there but
 * unusable (a broken install, which a caller must not take for an absent model).
 */
export async function resolveCached(spec: NamedModel, opts: ResolveCachedOptions): Promise<CachedModelFolder> {
  const { cacheDir } = opts;
  const revision = opts.revision ?? 'main';
  const dir = modelDir(cacheDir, spec.name, revision);
  const folders = (await listModels(cacheDir, { [spec.name]: spec })).filter((m) => m.name === spec.name);
  const cached = folders.filter((m) => m.usable);
  const pick = cached.find((m) => m.revision === revision) ?? (opts.revision ? undefined : cached[0]);
  if (pick) return { name: spec.name, revision: pick.revision, dir: pick.dir, layout: spec.layout, ...(pick.onnx ? { onnx: pick.onnx } : {}) };
  const weightsHere = spec.layout === 'safetensors' && (await isFile(join(dir, 'model.safetensors')));
  const instructions = byHandInstructions(spec, dir, opts.hubUrl ?? defaultHubUrl(), revision);
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
