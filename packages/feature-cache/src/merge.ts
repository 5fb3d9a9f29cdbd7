import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AcsegError, imageId, refuseOverwrite, silentLogger, silentProgress, uniqueId, type Logger, type ProgressFactory } from '@acseg/core';
import { CACHE_FORMAT, CACHE_VERSION, INDEX_FILE, describeInfo, infoMismatch, parseIndex, type CacheIndex, type ImageEntry } from './format.js';
import { lockCache } from './lock.js';
import { FeatureCache } from './read.js';
import { appendShard, ShardBuilder, writeAtomic, type ShardLayout } from './shard.js';
import { bytesNeeded, CacheRoomError, freeBytes, rowBytes } from './room.js';
import { DEFAULT_MAX_SHARD_BYTES, DEFAULT_SHARD_SIZE } from './write.js';

export interface MergeFeatureCachesOptions {
  /** The caches to join, in order (shard 0 first): images come out part by part, each part's in source order. */
  parts: readonly string[];
  /** The merged cache folder; must not hold a cache yet (it may hold the parts). */
  out: string;
  /** Images per shard file, as the one-process run would use (default 256). */
  shardSize?: number;
  maxShardBytes?: number;
  progress?: ProgressFactory;
  log?: Logger;
  /** Bytes free where the merged cache goes (default: statfs of `out`); checked before any row is copied. */
  diskFree?: (dir: string) => Promise<number | undefined>;
}

export interface MergeFeatureCachesResult {
  images: number;
  skipped: number;
  shards: number;
}

/** Code-unit order, the same on every machine. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function mixed(message: string, hint?: string): AcsegError {
  return new AcsegError('BAD_CONFIG', message, { hint: hint ?? 'merge only the parts of one `acseg features` job (same model, options and image list)' });
}

function layoutOfIndex(ix: CacheIndex): ShardLayout | null {
  return ix.grid ? { grid: ix.grid, dim: ix.dim, heads: ix.heads, cls: ix.tensors.cls } : null;
}

interface Part {
  cache: FeatureCache;
  index: CacheIndex;
}

/** Opens every part and checks, before anything is written, that they hold features of one model and layout. */
async function openParts(parts: readonly string[]): Promise<Part[]> {
  const opened: Part[] = [];
  try {
    for (const p of parts) {
      const cache = await FeatureCache.open(p); // checks the index and every shard file's size
      opened.push({ cache, index: parseIndex(await readFile(join(cache.path, INDEX_FILE), 'utf8'), join(cache.path, INDEX_FILE)) });
    }
    const first = opened[0].cache;
    let shape: { path: string; layout: string } | null = null;
    for (const { cache: c, index } of opened) {
      const diff = infoMismatch(first.info, c.info);
      if (diff)
        throw mixed(`${c.path} holds features of ${describeInfo(c.info)}, but ${first.path} holds ${describeInfo(first.info)} (${diff}); cannot merge them`);
      const L = layoutOfIndex(index);
      if (!L) continue;
      const text = JSON.stringify({ ...L, tensors: index.tensors });
      if (shape && shape.layout !== text) throw mixed(`${c.path} stores features as ${text}, but ${shape.path} as ${shape.layout}; cannot merge them`);
      shape ??= { path: c.path, layout: text };
    }
    return opened;
  } catch (e) {
    await Promise.all(opened.map((p) => p.cache.close()));
    throw e;
  }
}

/**
 * Joins feature caches written by the shards of one job into one cache,
 * byte for byte the cache one process would have written for the whole
 * (sorted) image list with the same `shardSize`: the rows are re-cut into
 * shards of the same size, ids are given again in the global order (two
 * `1.jpg` in different parts become `1` and `1-2`, as one process names
 * them), and the index lists the same entries; only `updated` differs.
 * Streams runs of rows (memory: one shard). Every check runs before
 * anything is written, the shard files are written first and `index.json`
 * last, so a merge stopped midway leaves no cache, only files the next
 * merge overwrites.
 */
export async function mergeFeatureCaches(opts: MergeFeatureCachesOptions): Promise<MergeFeatureCachesResult> {
  const { out } = opts;
  const log = opts.log ?? silentLogger;
  if (opts.parts.length === 0) throw mixed('nothing to merge: no feature cache parts given');
  const shardSize = opts.shardSize ?? DEFAULT_SHARD_SIZE;
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new AcsegError('BAD_CONFIG', `shardSize must be a positive integer, got ${shardSize}`);
  const maxBytes = opts.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES;
  const indexPath = join(out, INDEX_FILE);
  await refuseOverwrite(out, INDEX_FILE, 'a feature cache', `merge into another --out folder, or delete ${indexPath} first`);
  const parts = await openParts(opts.parts);
  await mkdir(out, { recursive: true });
  const unlock = await lockCache(out);
  try {
    for (const name of await readdir(out)) {
      // Shard files or temp files of an earlier merge stopped before its index: never part of a cache.
      if (/^shard-\d+\.safetensors$/.test(name) || /\.tmp-\d+-\d+$/.test(name)) await rm(join(out, name), { force: true });
    }
    return await mergeLocked(parts, out, indexPath, shardSize, maxBytes, opts.progress ?? silentProgress, log, opts.diskFree ?? freeBytes);
  } finally {
    await Promise.all(parts.map((p) => p.cache.close()));
    await unlock();
  }
}

async function mergeLocked(
  parts: Part[],
  out: string,
  indexPath: string,
  shardSize: number,
  maxBytes: number,
  progress: ProgressFactory,
  log: Logger,
  diskFree: (dir: string) => Promise<number | undefined>,
): Promise<MergeFeatureCachesResult> {
  const indices = parts.map((p) => p.index);
  const first = indices[0];
  const withRows = indices.find((ix) => ix.grid !== null);
  const layout = withRows ? layoutOfIndex(withRows)! : null;
  const index: CacheIndex = {
    format: CACHE_FORMAT,
    version: CACHE_VERSION,
    info: first.info,
    grid: layout ? { ...layout.grid } : null,
    dim: layout?.dim ?? first.info.dim,
    heads: layout?.heads ?? 0,
    tensors: withRows ? { ...withRows.tensors } : { tokens: true, cls: false, attention: false },
    dtype: 'F32',
    shards: [],
    images: [],
    skipped: [],
    updated: '',
  };
  // One process sizes its shards from the number of images it was given, skipped ones included.
  const given = indices.reduce((n, ix) => n + ix.images.length + ix.skipped.length, 0);
  let builder: ShardBuilder | null = null;
  if (layout) {
    builder = new ShardBuilder(layout, Math.max(1, Math.min(shardSize, given, Math.floor(maxBytes / rowBytes(layout)))));
    // The parts stay where they are: the merged cache needs room for all of their rows again.
    const images = indices.reduce((n, ix) => n + ix.images.length, 0);
    const free = await diskFree(out);
    const chars = indices.reduce((n, ix) => n + ix.images.reduce((m, im) => m + im.source.length, 0), 0);
    const need = bytesNeeded(layout, images, chars, builder.capacity);
    if (free !== undefined && need > free) {
      throw new CacheRoomError(
        out,
        need,
        free,
        images,
        rowBytes(layout),
        'free some space, or give --out a folder on a disk with more room (the parts are not moved)',
      );
    }
  }
  let pending: ImageEntry[] = [];
  const flush = async () => {
    if (!builder || builder.count === 0) return;
    await appendShard(out, builder, index, pending);
    pending = [];
  };

  const taken = new Set<string>();
  const total = indices.reduce((n, ix) => n + ix.images.length, 0);
  const bar = progress.start('merge', total);
  let done = 0;
  try {
    for (const [p, { cache }] of parts.entries()) {
      const order = cache.images.map((im, i) => ({ im, i })).sort((a, b) => byText(a.im.source, b.im.source));
      // Runs of rows that follow each other in one shard file (a part written in sorted order is one run per
      // shard file) are copied with one read per tensor, straight into the merged shard.
      for (let k = 0; k < order.length;) {
        let run = 1;
        const { shard, row } = order[k].im;
        while (k + run < order.length && run < builder!.room && order[k + run].im.shard === shard && order[k + run].im.row === row + run) run++;
        const ids: string[] = [];
        for (const { im } of order.slice(k, k + run)) {
          // The id one process would give: the file's name, made unique against the images before it.
          const base = im.source.startsWith('<') ? im.id : imageId(im.source);
          const id = uniqueId(base, (c) => taken.has(c));
          taken.add(id);
          ids.push(id);
          pending.push({ id, source: im.source, width: im.width, height: im.height, shard: index.shards.length, row: builder!.count + ids.length - 1 });
        }
        await cache.copyRows(shard, row, run, builder!.rowBytes(run));
        builder!.commit(ids);
        if (builder!.full) await flush();
        k += run;
        bar.update((done += run));
      }
      index.skipped.push(...[...indices[p].skipped].sort((a, b) => byText(a.source, b.source)));
    }
    await flush();
  } finally {
    bar.stop();
  }
  index.updated = new Date().toISOString();
  await writeAtomic(indexPath, JSON.stringify(index));
  log.info(`${out}: merged ${parts.length} parts: ${index.images.length} images in ${index.shards.length} shard files, ${index.skipped.length} skipped`);
  return { images: index.images.length, skipped: index.skipped.length, shards: index.shards.length };
}
