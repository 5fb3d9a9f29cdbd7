import { AcsegError, type BackboneInfo, type ComponentRecord } from '@acseg/core';

/**
 * The on-disk layout of a feature cache (documented for other languages in
 * README.md, "On-disk format"): a folder holding `index.json` and
 * `shard-NNNNN.safetensors` files. Each shard stacks the rows of its images:
 * `tokens` F32 [count, n, d], `cls` F32 [count, d] (when the backbone has a
 * CLS token) and `attention` F32 [count, heads, n] (when it has attention).
 */
export const CACHE_FORMAT = 'acseg-feature-cache';
export const CACHE_VERSION = 1;
export const INDEX_FILE = 'index.json';

/** What made the features; a cache made with other values is refused. */
export interface CacheModelInfo {
  model: string;
  /**
   * SHA-256 of the model file's content, when the backbone has a model file:
   * the model's identity (two files in one folder, or a file replaced in
   * place, differ here whatever their names). Absent in caches of backbones
   * without a file, and in caches written before it was recorded.
   */
  modelSha256?: string;
  /** The model file the features came from (for messages only: a moved model is still the same model). */
  modelFile?: string;
  inputSize: number;
  /** Input height × width, when the backbone records them (non-square ViT inputs); absent = inputSize². */
  inputHeight?: number;
  inputWidth?: number;
  /** Backbone family ("dino", "dinov2", "dinov3"), when the backbone records it. */
  family?: string;
  /** Register tokens of the model (dropped from the stored tokens); absent = 0. */
  registers?: number;
  patchSize: number;
  dim: number;
  /** Attention heads, or null when the backbone exposes no attention. */
  heads: number | null;
  hasAttention: boolean;
  /**
   * The backbone component that made the features, when a host built it from its plugin registry: its registered
   * name, the options it was built with (parsed, JSON) and its plugin's name and version, so that another command can
   * build it again (`acseg explore` embeds regions with it, as the k-NN classifier does). Not part of the identity
   * checks (the fields above are). Absent in caches written before it was recorded, and in imported ones.
   */
  component?: ComponentRecord;
}

export interface ShardEntry {
  /** File name inside the cache folder. */
  file: string;
  /** Number of images (rows) in the shard. */
  count: number;
  /** File size in bytes (a shorter file is reported as truncated). */
  bytes: number;
  /** Hex SHA-256 of the whole file (checked by `FeatureCache.verify()`). */
  sha256: string;
}

export interface ImageEntry {
  id: string;
  source: string;
  /** Original image size in pixels. */
  width: number;
  height: number;
  /** Position in `shards`, and row inside that shard's tensors. */
  shard: number;
  row: number;
}

export interface SkippedEntry {
  source: string;
  message: string;
}

export interface CacheIndex {
  format: typeof CACHE_FORMAT;
  version: typeof CACHE_VERSION;
  info: CacheModelInfo;
  /** Patch grid shared by every image; null while the cache holds no image. */
  grid: { h: number; w: number } | null;
  dim: number;
  /** Attention heads stored per image (0 when there is no attention tensor). */
  heads: number;
  /** Which tensors the shards hold. */
  tensors: { tokens: true; cls: boolean; attention: boolean };
  dtype: 'F32';
  shards: ShardEntry[];
  images: ImageEntry[];
  skipped: SkippedEntry[];
  /** ISO time of the last write. */
  updated: string;
}

export function shardFileName(i: number): string {
  return `shard-${String(i).padStart(5, '0')}.safetensors`;
}

export function modelInfoOf(info: BackboneInfo): CacheModelInfo {
  return {
    model: info.model,
    ...(info.modelSha256 ? { modelSha256: info.modelSha256, modelFile: info.modelFile } : {}),
    inputSize: info.inputSize,
    ...(info.inputHeight !== undefined && info.inputWidth !== undefined ? { inputHeight: info.inputHeight, inputWidth: info.inputWidth } : {}),
    ...(info.family !== undefined ? { family: info.family } : {}),
    ...(info.registers !== undefined ? { registers: info.registers } : {}),
    patchSize: info.patchSize,
    dim: info.dim,
    heads: info.hasAttention ? (info.heads ?? null) : null,
    hasAttention: info.hasAttention,
  };
}

/** "model a (/models/a.onnx, sha256 3f2a1b2c…)" */
function describeModel(i: CacheModelInfo): string {
  const about = [i.modelFile, i.modelSha256 && `sha256 ${i.modelSha256.slice(0, 12)}…`].filter(Boolean);
  return `model ${i.model}${about.length ? ` (${about.join(', ')})` : ''}`;
}

/** Input height and width (a cache written before they were recorded: inputSize²). */
function inputHW(i: CacheModelInfo): [number, number] {
  return [i.inputHeight ?? i.inputSize, i.inputWidth ?? i.inputSize];
}

export function describeInfo(i: CacheModelInfo): string {
  const [h, w] = inputHW(i);
  const family = i.family ? `${i.family}, ` : '';
  const registers = i.registers ? `, ${i.registers} registers` : '';
  return `${describeModel(i)}, ${family}input ${h === w ? h : `${h}×${w}`}, patch ${i.patchSize}${registers}, dim ${i.dim}${i.hasAttention ? `, ${i.heads ?? '?'} heads` : ', no attention'}`;
}

/** The fields that must agree for two runs to share a cache, or null when they do. */
export function infoMismatch(held: CacheModelInfo, asked: CacheModelInfo): string | null {
  const diffs: string[] = [];
  // The content decides when both sides know it (a renamed or moved file is the same model); else the name does.
  if (held.modelSha256 && asked.modelSha256) {
    if (held.modelSha256 !== asked.modelSha256) diffs.push(`model content: sha256 ${held.modelSha256.slice(0, 12)}… ≠ ${asked.modelSha256.slice(0, 12)}…`);
  } else if (held.model !== asked.model) {
    diffs.push(`model ${held.model} ≠ ${asked.model}`);
  }
  // A family recorded on one side only (a cache written before families were recorded) is left to the model check above.
  if (held.family !== undefined && asked.family !== undefined && held.family !== asked.family) diffs.push(`family ${held.family} ≠ ${asked.family}`);
  const [hh, hw] = inputHW(held);
  const [ah, aw] = inputHW(asked);
  if (hh !== ah || hw !== aw) diffs.push(`input ${hh}×${hw} ≠ ${ah}×${aw}`);
  if ((held.registers ?? 0) !== (asked.registers ?? 0)) diffs.push(`registers ${held.registers ?? 0} ≠ ${asked.registers ?? 0}`);
  for (const k of ['patchSize', 'dim', 'hasAttention', 'heads'] as const) {
    if (held[k] !== asked[k]) diffs.push(`${k} ${String(held[k])} ≠ ${String(asked[k])}`);
  }
  return diffs.length ? diffs.join(', ') : null;
}

function fail(file: string, problem: string): never {
  throw new AcsegError('BAD_INPUT', `${file}: ${problem}`, {
    file,
    hint: 'the feature cache index is damaged; delete the cache folder and run `acseg features` again',
  });
}

const isInt = (x: unknown, min = 0): x is number => Number.isInteger(x) && (x as number) >= min;

function isComponentRecord(x: unknown): x is ComponentRecord {
  const c = x as Partial<ComponentRecord> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    c.kind === 'backbone' &&
    typeof c.name === 'string' &&
    typeof c.plugin === 'string' &&
    typeof c.options === 'object' &&
    c.options !== null &&
    !Array.isArray(c.options) &&
    (c.pluginVersion === undefined || typeof c.pluginVersion === 'string')
  );
}

/** Parses and checks index.json text; every problem names the file. */
export function parseIndex(text: string, file: string): CacheIndex {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail(file, `not valid JSON (${(e as Error).message}); the file may be truncated`);
  }
  if (typeof raw !== 'object' || raw === null) fail(file, 'not a feature cache index (not a JSON object)');
  const x = raw as Partial<CacheIndex>;
  if (x.format !== CACHE_FORMAT) fail(file, `not a feature cache index (format is ${JSON.stringify(x.format)}, expected "${CACHE_FORMAT}")`);
  if (x.version !== CACHE_VERSION) fail(file, `feature cache version ${String(x.version)} is not supported (this reader knows version ${CACHE_VERSION})`);
  const info = x.info;
  if (!info || typeof info.model !== 'string' || !isInt(info.inputSize, 1) || !isInt(info.patchSize, 1) || !isInt(info.dim, 1))
    fail(file, '"info" lacks model, inputSize, patchSize or dim');
  if (info.modelSha256 !== undefined && (typeof info.modelSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(info.modelSha256)))
    fail(file, '"info.modelSha256" is not a SHA-256');
  if (info.modelFile !== undefined && typeof info.modelFile !== 'string') fail(file, '"info.modelFile" is not a path');
  if ((info.inputHeight !== undefined || info.inputWidth !== undefined) && (!isInt(info.inputHeight, 1) || !isInt(info.inputWidth, 1)))
    fail(file, '"info.inputHeight" / "info.inputWidth" are malformed');
  if (info.family !== undefined && typeof info.family !== 'string') fail(file, '"info.family" is not a string');
  if (info.registers !== undefined && !isInt(info.registers)) fail(file, '"info.registers" is not a count');
  if (info.component !== undefined && !isComponentRecord(info.component))
    fail(file, '"info.component" is malformed (expected kind, name, options, plugin and an optional pluginVersion)');
  if (x.dtype !== 'F32') fail(file, `dtype ${JSON.stringify(x.dtype)} is not supported (expected "F32")`);
  if (!x.tensors || typeof x.tensors.cls !== 'boolean' || typeof x.tensors.attention !== 'boolean') fail(file, '"tensors" is missing or malformed');
  if (x.dim !== info.dim) fail(file, `dim ${String(x.dim)} differs from info.dim ${info.dim}`);
  if (!isInt(x.heads)) fail(file, '"heads" is missing');
  if (x.grid !== null && (!x.grid || !isInt(x.grid.h, 1) || !isInt(x.grid.w, 1))) fail(file, '"grid" is malformed');
  if (!Array.isArray(x.shards) || !Array.isArray(x.images) || !Array.isArray(x.skipped)) fail(file, '"shards", "images" or "skipped" is not a list');
  if (x.images.length > 0 && x.grid === null) fail(file, 'holds images but no grid');
  x.shards.forEach((s, i) => {
    if (!s || typeof s.file !== 'string' || !isInt(s.count, 1) || !isInt(s.bytes, 1) || typeof s.sha256 !== 'string')
      fail(file, `shard entry ${i} is malformed`);
  });
  const seenRows = x.shards.map((s) => new Uint8Array(s.count));
  const ids = new Set<string>();
  x.images.forEach((im, i) => {
    if (!im || typeof im.id !== 'string' || typeof im.source !== 'string' || !isInt(im.width, 1) || !isInt(im.height, 1))
      fail(file, `image entry ${i} is malformed`);
    if (!isInt(im.shard) || im.shard >= x.shards!.length || !isInt(im.row) || im.row >= x.shards![im.shard].count)
      fail(file, `image entry ${i} (${im.id}) points to shard ${im.shard} row ${im.row}, which does not exist`);
    if (seenRows[im.shard][im.row]) fail(file, `two images share shard ${im.shard} row ${im.row}`);
    seenRows[im.shard][im.row] = 1;
    if (ids.has(im.id)) fail(file, `image id "${im.id}" appears twice`);
    ids.add(im.id);
  });
  seenRows.forEach((rows, s) => {
    if (rows.some((r) => r === 0)) fail(file, `shard ${x.shards![s].file} has rows no image entry points to`);
  });
  return x as CacheIndex;
}
