import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isTempPath } from './atomic.js';
import { folderToModelName } from './cache-dir.js';
import { readManifest } from './manifest.js';
import type { ModelLayout } from '@acseg/core';
import { findIn, type ModelCatalog } from './catalog.js';

export interface CachedModel {
  name: string;
  revision: string;
  /** `<cacheDir>/models/<name>/<revision>/` */
  dir: string;
  layout: ModelLayout | 'unknown';
  /** Bytes of everything in the folder. */
  size: number;
  /** Files the model needs that are absent (or of another size than the manifest records). */
  missing: string[];
  /** Every file the model needs is present. */
  complete: boolean;
  /** An ONNX file a backbone can load is present (and of the size the manifest records); other files may be missing. */
  usable: boolean;
  /** That ONNX file. */
  onnx?: string;
  /** Every file was checked against the Hub's checksums when it was pulled. */
  verified: boolean;
  /** Leftovers and damage worth telling the user about. */
  problems: string[];
}

async function walk(dir: string): Promise<Array<{ path: string; size: number }>> {
  const out: Array<{ path: string; size: number }> = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push({ path: p, size: (await stat(p)).size });
  }
  return out;
}

async function describeFolder(dir: string, name: string, revision: string, models: ModelCatalog): Promise<CachedModel> {
  const spec = findIn(models, name);
  const { manifest, problem } = await readManifest(dir);
  const all = await walk(dir);
  const sizeOf = new Map(all.map((f) => [relative(dir, f.path).split('\\').join('/'), f.size]));
  const problems: string[] = problem ? [problem] : [];
  for (const f of all) if (isTempPath(f.path)) problems.push(`${f.path} is a leftover partial download (safe to delete)`);
  const layout = spec?.layout ?? manifest?.layout ?? 'unknown';
  const needed = spec?.files ?? manifest?.files.map((f) => f.path) ?? [];
  const missing = needed.filter((f) => {
    const size = sizeOf.get(f);
    const rec = manifest?.files.find((m) => m.path === f);
    if (size !== undefined && rec && rec.size !== size)
      problems.push(`${join(dir, f)} holds ${size} bytes, the manifest records ${rec.size} (truncated or replaced)`);
    return size === undefined || (rec !== undefined && rec.size !== size);
  });
  const candidates = layout === 'safetensors' ? ['model.onnx'] : layout === 'hub-onnx' ? ['onnx/model.onnx'] : ['onnx/model.onnx', 'model.onnx'];
  const found = candidates.find((c) => sizeOf.has(c));
  const complete = missing.length === 0 && needed.length > 0;
  // The graph says all a backbone needs (patch size, width, input size), so an intact ONNX file is usable even
  // when the folder lacks config.json.
  const usable = layout === 'files' ? complete : found !== undefined && !missing.includes(found);
  if (layout === 'safetensors' && complete && !found) problems.push(`the weights are not converted yet: run \`acseg models pull ${name} --offline\``);
  return {
    name,
    revision,
    dir,
    layout,
    size: all.reduce((a, f) => a + f.size, 0),
    missing,
    complete,
    usable,
    onnx: usable && found ? join(dir, found) : undefined,
    verified: !!manifest && needed.length > 0 && needed.every((f) => manifest.files.some((m) => m.path === f && m.verified !== 'none')),
    problems,
  };
}

/**
 * What the model cache holds: one entry per `<cacheDir>/models/<name>/<revision>/`
 * folder, judged against the declared model of that name when there is one.
 */
export async function listModels(cacheDir: string, models: ModelCatalog = {}): Promise<CachedModel[]> {
  const root = join(cacheDir, 'models');
  const out: CachedModel[] = [];
  const folders = await readdir(root, { withFileTypes: true }).catch(() => []);
  for (const m of folders.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const revs = await readdir(join(root, m.name), { withFileTypes: true });
    for (const r of revs.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      out.push(await describeFolder(join(root, m.name, r.name), folderToModelName(m.name), folderToModelName(r.name), models));
    }
  }
  return out;
}
