import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AcsegError, isAcsegError, silentLogger, silentProgress, type Logger, type ModelConverter, type ModelLayout, type ProgressFactory } from '@acseg/core';
import { gitBlobSha1File, sha256File } from './atomic.js';
import { defaultCacheDir, modelDir } from './cache-dir.js';
import { downloadVerified, remoteFiles, type HubAccess } from './download.js';
import { defaultHubUrl, hubFileUrl, modelNotFound } from './instructions.js';
import { readManifest, writeManifest, type ModelManifest } from './manifest.js';
import { getIn, type ModelCatalog, type NamedModel } from './catalog.js';

/** The converter run after pulling a safetensors model: the model's own `convert`, or one given (tests). */
export type CheckpointConverter = ModelConverter;

export interface PullOptions {
  /** The declared models (the loaded plugins' `models`); the name is looked up here. */
  models?: ModelCatalog;
  /** Default: defaultCacheDir(). */
  cacheDir?: string;
  /** Branch, tag or commit on the Hub (default "main"). */
  revision?: string;
  progress?: ProgressFactory;
  log?: Logger;
  /** Replaces the global fetch (tests serve a fake Hub with it). */
  fetch?: typeof fetch;
  /** Use only files already in the cache folder (placed by hand); never touch the network. */
  offline?: boolean;
  /** Default: `$HF_ENDPOINT`, else https://huggingface.co. */
  hubUrl?: string;
  /** Input side the safetensors layout is converted for (default 224, paper §4.1). */
  inputSize?: number;
  /** Download again even when the cache already holds the files. */
  force?: boolean;
  /** Hub access token for gated models (default `$HF_TOKEN`, as the Hub's own clients read it). */
  accessToken?: string;
  convert?: CheckpointConverter;
}

export interface PullResult {
  /** `<cacheDir>/models/<name>/<revision>/` */
  dir: string;
  /** Absolute paths of the model's files (downloaded ones, then the converted ONNX file if any). */
  files: string[];
  /** The ONNX file to load (none for the `files` layout). */
  onnx?: string;
  layout: ModelLayout;
  /** Files fetched by this call (0 when everything was cached). */
  downloaded: number;
}

export const DEFAULT_INPUT_SIZE = 224;

async function sizeOf(path: string): Promise<number> {
  return stat(path).then(
    (s) => (s.isFile() ? s.size : -1),
    () => -1,
  );
}

/**
 * Downloads a known model into `<cacheDir>/models/<name>/<revision>/` with
 * @huggingface/hub, checking each file's size and checksum against the
 * Hub (SHA-256 of LFS files, Git blob SHA-1 of the others) and writing it
 * atomically; records everything in acseg-manifest.json. The safetensors
 * layout is then converted to model.onnx. Offline (or when the Hub cannot
 * be reached) it fails with MODEL_NOT_FOUND naming the files, their URLs and
 * the folder to place them in by hand; `offline: true` accepts such files.
 */
export async function pullModel(name: string, opts: PullOptions = {}): Promise<PullResult> {
  const spec = getIn(opts.models ?? {}, name);
  const revision = opts.revision ?? 'main';
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const hubUrl = (opts.hubUrl ?? defaultHubUrl()).replace(/\/+$/, '');
  const log = opts.log ?? silentLogger;
  const progress = opts.progress ?? silentProgress;
  const inputSize = opts.inputSize ?? DEFAULT_INPUT_SIZE;
  const dir = modelDir(cacheDir, name, revision);
  const accessToken = opts.accessToken ?? (process.env.HF_TOKEN || undefined);
  const hub: HubAccess = { hubUrl, revision, fetch: opts.fetch, accessToken };
  const { manifest: old, problem } = await readManifest(dir);
  if (problem) log.warn(`${problem}; it will be rewritten`);

  const sizes = await Promise.all(spec.files.map((f) => sizeOf(join(dir, f))));
  const recorded = (f: string, i: number) => old?.files.find((m) => m.path === f && m.size === sizes[i]);
  const shas = new Map<number, Promise<string>>();
  const localSha = (i: number): Promise<string> => {
    if (!shas.has(i)) shas.set(i, sha256File(join(dir, spec.files[i])));
    return shas.get(i)!;
  };

  const manifest: ModelManifest = {
    format: 'acseg-model-manifest',
    version: 1,
    name,
    repo: spec.repo,
    revision,
    layout: spec.layout,
    hubUrl,
    files: [],
    converted: old?.converted,
    updated: '',
  };
  let downloaded = 0;

  const useLocal = async (why: string) => {
    const missing = spec.files.filter((_, i) => sizes[i] <= 0);
    if (missing.length) {
      throw modelNotFound(spec, dir, hubUrl, revision, `${name}: ${why}, and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in ${dir}`);
    }
    for (const [i, f] of spec.files.entries()) {
      const rec = recorded(f, i);
      const sha256 = await localSha(i);
      const verified = rec && rec.sha256 === sha256 ? rec.verified : 'none';
      if (verified === 'none') log.info(`${join(dir, f)}: found in the cache folder, not checked against the Hub (placed by hand?)`);
      manifest.files.push({ path: f, size: sizes[i], sha256, verified });
    }
  };
  let allVerified = true;
  for (const [i, f] of spec.files.entries()) {
    const rec = recorded(f, i);
    if (!rec || rec.verified === 'none' || rec.sha256 !== (await localSha(i))) allVerified = false;
  }

  let remote: Awaited<ReturnType<typeof remoteFiles>> | null = null;
  if (opts.offline) await useLocal('offline');
  else if (allVerified && !opts.force) {
    log.info(`${name} is already in ${dir}`);
    await useLocal('cached');
  } else {
    try {
      remote = await remoteFiles(spec.repo, spec.files, hub);
    } catch (e) {
      const status = (e as { statusCode?: unknown }).statusCode;
      if (spec.gated && (status === 401 || status === 403)) throw gatedRefusal(spec, hubUrl, status, !!accessToken, e);
      const reason =
        typeof status === 'number'
          ? `${name}: ${hubUrl}/${spec.repo} answered HTTP ${status} (${describeCause(e)})`
          : `${name}: cannot reach ${hubUrl}/${spec.repo} (${describeCause(e)})`;
      if (opts.force || sizes.some((s) => s <= 0)) throw modelNotFound(spec, dir, hubUrl, revision, reason, e);
      log.warn(`${reason}; using the files in ${dir} without checking them`);
      await useLocal('offline');
    }
  }
  if (remote) {
    const absent = spec.files.filter((f) => !remote.has(f));
    if (absent.length) {
      throw modelNotFound(spec, dir, hubUrl, revision, `${name}: ${hubUrl}/${spec.repo} at revision ${revision} has no ${absent.join(', ')}`);
    }
    await mkdir(dir, { recursive: true });
    for (const [i, f] of spec.files.entries()) {
      const r = remote.get(f)!;
      const path = join(dir, f);
      if (!opts.force && sizes[i] === r.size) {
        // Already here with the Hub's size: keep it when its checksum is the Hub's.
        const sha256 = await localSha(i);
        if (r.lfsSha256 ? sha256 === r.lfsSha256 : (await gitBlobSha1File(path)) === r.oid) {
          manifest.files.push({ path: f, size: r.size, sha256, verified: r.lfsSha256 ? 'hub-lfs-sha256' : 'hub-git-sha1' });
          continue;
        }
      }
      const bar = progress.start(`${name}: ${f}`, r.size);
      try {
        const got = await downloadVerified(spec.repo, r, path, hub, (n) => bar.update(n));
        manifest.files.push({ path: f, ...got });
        downloaded++;
        log.info(`${path}: ${got.size} bytes, sha256 ${got.sha256} (${got.verified})`);
      } catch (e) {
        if (isAcsegError(e) && e.code === 'BAD_MODEL') throw e;
        const status = (e as { statusCode?: unknown }).statusCode;
        if (spec.gated && (status === 401 || status === 403)) throw gatedRefusal(spec, hubUrl, status, !!accessToken, e);
        throw modelNotFound(spec, dir, hubUrl, revision, `${name}: downloading ${hubFileUrl(hubUrl, spec.repo, revision, f)} failed (${describeCause(e)})`, e);
      } finally {
        bar.stop();
      }
    }
  }

  const files = spec.files.map((f) => join(dir, f));
  let onnx: string | undefined = spec.layout === 'files' ? undefined : join(dir, spec.files[0]);
  if (spec.layout === 'safetensors') {
    const target = join(dir, 'model.onnx');
    onnx = target;
    const conv = manifest.converted;
    const weightsSha256 = manifest.files.find((m) => m.path === 'model.safetensors')!.sha256;
    const upToDate = conv && conv.inputSize === inputSize && conv.weightsSha256 === weightsSha256 && (await sizeOf(target)) === conv.size;
    if (!upToDate) {
      log.info(`${name}: converting the weights to ONNX at input ${inputSize}`);
      const convert = opts.convert ?? spec.convert;
      if (!convert) throw new AcsegError('BAD_MODEL', `${name}: its plugin declares the safetensors layout but no converter`);
      const res = await convert({ weights: join(dir, 'model.safetensors'), config: join(dir, 'config.json'), out: target, inputSize, modelName: name });
      if (res.out !== target) throw new AcsegError('BAD_MODEL', `${name}: the converter wrote ${res.out}, expected ${target}`, { file: res.out });
      manifest.converted = { file: 'model.onnx', inputSize, size: await sizeOf(target), sha256: await sha256File(target), weightsSha256 };
    }
    files.push(target);
  }
  await writeManifest(dir, manifest);
  return { dir, files, onnx, layout: spec.layout, downloaded };
}

/** One line: the Hub refused a gated model, and what the user does about it. */
function gatedRefusal(spec: NamedModel, hubUrl: string, status: number, hadToken: boolean, cause: unknown): AcsegError {
  const page = `${hubUrl}/${spec.repo}`;
  const licence = spec.gated!.licence;
  return new AcsegError(
    'MODEL_NOT_FOUND',
    hadToken
      ? `${spec.name}: ${page} refused the download (HTTP ${status}) with the token in HF_TOKEN: the model is gated behind ${licence}; accept it at ${page} with the token's account`
      : `${spec.name}: ${page} refused the download (HTTP ${status}): the model is gated behind ${licence}; accept it at ${page}, then set HF_TOKEN to an access token of that account`,
    {
      hint: 'tokens: https://huggingface.co/settings/tokens (read access is enough)',
      cause,
    },
  );
}

function describeCause(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? `: ${cause.message}` : '';
  return `${e.message}${inner}`;
}
