import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  AcsegError,
  imageSource,
  silentLogger,
  silentProgress,
  uniqueId,
  componentRecordOf,
  type Backbone,
  type ComponentRecord,
  type ImageInput,
  type Logger,
  type ProgressFactory,
} from '@acseg/core';
import {
  CACHE_FORMAT,
  CACHE_VERSION,
  INDEX_FILE,
  describeInfo,
  infoMismatch,
  modelInfoOf,
  parseIndex,
  type CacheIndex,
  type ImageEntry,
  type SkippedEntry,
} from './format.js';
import { StreamedIndex } from './index-file.js';
import { lockCache } from './lock.js';
import { appendShard, ShardBuilder, layoutOf, type ShardLayout } from './shard.js';
import { bytesNeeded, CacheRoomError, freeBytes, rowBytes } from './room.js';

export interface WriteFeatureCacheOptions {
  backbone: Backbone;
  /** Image files (or decoded images with ids). */
  images: readonly ImageInput[];
  /** The cache folder (created if missing). */
  out: string;
  /** Images per shard file (default 256: ≈ 77 MB of ViT-S/16 tokens at 224). */
  shardSize?: number;
  /**
   * Bytes of one shard's tensors at most (default 64 MiB): fewer images per shard when each is large (ViT-S/8 at a
   * high resolution holds several MB an image), so the shard being built, and its serialized copy, stay small.
   */
  maxShardBytes?: number;
  /**
   * Seconds after the last write at which the images computed since are written as a (smaller) shard, even if the
   * shard is not full (default 30): a killed run loses at most that much work. Checked as each image arrives.
   */
  flushSeconds?: number;
  progress?: ProgressFactory;
  log?: Logger;
  /** Stops after the image in flight; what is done is saved, and a new run resumes. */
  signal?: AbortSignal;
  /**
   * The component record written into `info.component` (what built the backbone, to build it again); default: the
   * one core's `createComponent` made for `backbone`, if any. null: none.
   */
  component?: ComponentRecord | null;
  /**
   * Bytes free where the cache goes (default: statfs of `out`; undefined: not known, no check). Before writing, the
   * writer checks that the images left fit, and stops with a `CacheRoomError` naming the folder if not, rather
   * than an hour later on a full disk.
   */
  diskFree?: (dir: string) => Promise<number | undefined>;
  /** The hint of that error (default: free some space, or write the cache elsewhere). */
  roomHint?: string;
}

export interface WriteFeatureCacheResult {
  /** Images whose features this run computed and stored. */
  written: number;
  /** Images of this run's list that could not be read (also kept in the index). */
  skipped: SkippedEntry[];
  /** Images of this run's list already in the cache from an earlier run. */
  resumed: number;
  /** Images the cache holds now. */
  total: number;
}

export const DEFAULT_SHARD_SIZE = 256;
export const DEFAULT_MAX_SHARD_BYTES = 64 * 2 ** 20;
export const DEFAULT_FLUSH_SECONDS = 30;

/** The key images are matched by across runs: the absolute path, or the in-memory image's source label. */
function keyOf(source: string): string {
  if (source.startsWith('<')) return source;
  // The input's own string when it is already absolute and normal: a set of keys then holds no copy of each path.
  const key = resolve(source);
  return key === source ? source : key;
}

async function loadIndex(out: string, asked: CacheIndex['info']): Promise<{ index: CacheIndex; text: string } | null> {
  const file = join(out, INDEX_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AcsegError('BAD_INPUT', `${file}: cannot read (${(e as Error).message})`, { file });
  }
  const index = parseIndex(text, file);
  const diff = infoMismatch(index.info, asked);
  if (diff) {
    throw new AcsegError(
      'BAD_INPUT',
      `${out}: this feature cache holds features of ${describeInfo(index.info)}; this run asks for ${describeInfo(asked)} (${diff})`,
      {
        file: out,
        hint: 'write to another --out folder, or delete this one to recompute it with the new model',
      },
    );
  }
  for (const s of index.shards) {
    const path = join(out, s.file);
    const size = await stat(path).then(
      (st) => st.size,
      () => -1,
    );
    if (size !== s.bytes) {
      throw new AcsegError(
        'BAD_INPUT',
        `${path}: ${size < 0 ? 'is missing' : `holds ${size} bytes, the index records ${s.bytes} (truncated or replaced)`}; cannot resume this cache`,
        {
          file: path,
          hint: `delete ${out} and run again`,
        },
      );
    }
  }
  return { index, text };
}

/** Removes temp files a killed run left behind (they never carry a final name). */
async function removeStrayTemps(out: string): Promise<void> {
  for (const name of await readdir(out)) {
    if (/\.tmp-\d+-\d+$/.test(name)) await rm(join(out, name), { force: true });
  }
}

/**
 * Streams `backbone.extract()` into safetensors shards plus `index.json`.
 * After each full shard, or `flushSeconds` after the last write, the shard
 * is written, then the index (both atomically), so at most one shard is held
 * in memory and a killed run loses at most the shard in progress, itself at
 * most `flushSeconds` of work. Run again with the same list to resume: images
 * already in written shards are not recomputed.
 */
export async function writeFeatureCache(opts: WriteFeatureCacheOptions): Promise<WriteFeatureCacheResult> {
  const { backbone, out } = opts;
  const log = opts.log ?? silentLogger;
  const shardSize = opts.shardSize ?? DEFAULT_SHARD_SIZE;
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new AcsegError('BAD_CONFIG', `shardSize must be a positive integer, got ${shardSize}`);
  const flushSeconds = opts.flushSeconds ?? DEFAULT_FLUSH_SECONDS;
  if (!(flushSeconds >= 0)) throw new AcsegError('BAD_CONFIG', `flushSeconds must be a number of seconds ≥ 0, got ${flushSeconds}`);
  const component = opts.component === undefined ? componentRecordOf(backbone) : (opts.component ?? undefined);
  const asked = { ...modelInfoOf(backbone.info), ...(component?.kind === 'backbone' ? { component } : {}) };

  const outStat = await stat(out).catch(() => null);
  if (outStat && !outStat.isDirectory()) throw new AcsegError('BAD_INPUT', `${out}: exists and is not a folder; a feature cache is a folder`, { file: out });
  await mkdir(out, { recursive: true });
  const unlock = await lockCache(out);
  try {
    return await writeLocked(opts, out, asked, shardSize, flushSeconds * 1000, log);
  } finally {
    await unlock();
  }
}

async function writeLocked(
  opts: WriteFeatureCacheOptions,
  out: string,
  asked: CacheIndex['info'],
  shardSize: number,
  flushMs: number,
  log: Logger,
): Promise<WriteFeatureCacheResult> {
  const { backbone } = opts;
  await removeStrayTemps(out);

  const loaded = await loadIndex(out, asked);
  const index: CacheIndex = loaded?.index ?? {
    format: CACHE_FORMAT,
    version: CACHE_VERSION,
    info: asked,
    grid: null,
    dim: asked.dim,
    heads: 0,
    tensors: { tokens: true, cls: false, attention: false },
    dtype: 'F32',
    shards: [],
    images: [],
    skipped: [],
    updated: '',
  };
  // A cache from before components were recorded gets this run's record (the identity checks above passed); a
  // recorded one keeps its own (this run's options may differ in what does not change features, e.g. batch size).
  if (loaded && !index.info.component && asked.component) index.info.component = asked.component;

  // What is left to do: inputs whose features are not in a complete shard.
  const cached = new Set(index.images.map((im) => keyOf(im.source)));
  const ids = new Set(index.images.map((im) => im.id));
  // From here the image entries live in index.json only: each save copies them from the file (memory stays flat).
  const indexFile = await StreamedIndex.adopt(join(out, INDEX_FILE), index, loaded?.text);
  const saveIndex = async (added: readonly ImageEntry[]) => {
    index.updated = new Date().toISOString();
    await indexFile.save(index, added);
  };
  const inputKeys = new Set<string>();
  const todo: ImageInput[] = [];
  const todoSources: string[] = [];
  let resumed = 0;
  opts.images.forEach((input, i) => {
    const source = imageSource(input, i);
    const key = keyOf(source);
    if (inputKeys.has(key)) return; // listed twice
    inputKeys.add(key);
    if (cached.has(key)) resumed++;
    else {
      todo.push(input);
      todoSources.push(source);
    }
  });
  // Images skipped by an earlier run are tried again (the file may have been fixed): those listed and not cached.
  index.skipped = index.skipped.filter((s) => {
    const key = keyOf(s.source);
    return !inputKeys.has(key) || cached.has(key);
  });
  if (resumed > 0) log.info(`${out}: resuming, ${resumed} of ${inputKeys.size} images are already cached`);

  // Buffers for one shard, no larger than this run needs, nor than maxShardBytes.
  const maxBytes = opts.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES;
  const capacityFor = (L: ShardLayout): number => Math.max(1, Math.min(shardSize, todo.length, Math.floor(maxBytes / rowBytes(L))));
  // Once a row's size is known (from a resumed cache's index, or the first image computed), the images from `from`
  // on must fit on the disk.
  const checkRoom = async (L: ShardLayout, from: number) => {
    const left = todo.length - from;
    const free = left > 0 ? await (opts.diskFree ?? freeBytes)(out) : undefined;
    if (free === undefined) return;
    let chars = 0;
    for (let i = from; i < todoSources.length; i++) chars += todoSources[i]!.length;
    const need = bytesNeeded(L, left, chars, capacityFor(L));
    if (need > free) throw new CacheRoomError(out, need, free, left, rowBytes(L), opts.roomHint);
  };
  const layout: ShardLayout | null = index.grid ? { grid: index.grid, dim: index.dim, heads: index.heads, cls: index.tensors.cls } : null;
  if (layout && !opts.signal?.aborted) await checkRoom(layout, 0);
  let builder = layout ? new ShardBuilder(layout, capacityFor(layout)) : null;
  let pending: ImageEntry[] = [];
  let written = 0;
  let lastWrite = Date.now();

  // A flush closes the shard in progress: its rows so far become a complete shard file, smaller than shardSize when
  // the time limit, an interruption or the end of the list came first. Appending to the shard instead is not
  // possible in place (safetensors puts every tensor's shape in the header, before the data, and stores the tokens
  // of all rows before the CLS rows), and rewriting a growing shard would write each row again at every flush.
  // A smaller shard is a shard like any other, so readers need no change, and it is as safe as a full one: shard
  // first, index last, each atomic; a run killed between the two leaves an unindexed file the next run overwrites.
  const flush = async () => {
    lastWrite = Date.now();
    if (!builder || builder.count === 0) return;
    await appendShard(out, builder, index, pending);
    index.images.length = 0;
    const added = pending;
    written += added.length;
    pending = [];
    await saveIndex(added);
  };

  const bar = (opts.progress ?? silentProgress).start('features', todo.length);
  let done = 0;
  let interrupted = false;
  let failure: unknown = null;
  try {
    if (opts.signal?.aborted) interrupted = true;
    else {
      let k = 0;
      for await (const r of backbone.extract(todo)) {
        const source = todoSources[k++];
        if (source === undefined)
          throw new AcsegError('BAD_MODEL', `backbone ${backbone.name} yielded more results than the ${todo.length} images it was given`);
        if (r.ok) {
          const f = r.features;
          if (!builder) {
            const L = layoutOf(f);
            await checkRoom(L, k - 1);
            builder = new ShardBuilder(L, capacityFor(L));
            Object.assign(index, { grid: L.grid, dim: L.dim, heads: L.heads, tensors: { tokens: true, cls: L.cls, attention: L.heads > 0 } });
          }
          const id = uniqueId(f.id, (c) => ids.has(c));
          if (id !== f.id) log.warn(`${source}: image id "${f.id}" is already in the cache; stored as "${id}"`);
          ids.add(id);
          builder.add(id === f.id ? f : { ...f, id });
          pending.push({ id, source, width: f.imageSize.width, height: f.imageSize.height, shard: index.shards.length, row: builder.count - 1 });
          if (builder.full || Date.now() - lastWrite >= flushMs) await flush();
        } else {
          index.skipped.push({ source, message: r.error.message });
          log.warn(`skipped ${r.error.message}`);
        }
        bar.update(++done, { skipped: index.skipped.length });
        if (opts.signal?.aborted) {
          interrupted = true;
          break;
        }
      }
    }
  } catch (e) {
    failure = e;
  } finally {
    bar.stop();
  }
  // Whatever ended the loop, keep the complete features computed so far.
  try {
    await flush();
    await saveIndex([]);
  } catch (e) {
    if (failure === null) throw e;
    log.warn(`could not save the last shard after an error: ${(e as Error).message}`);
  }
  if (failure !== null) throw failure;
  if (interrupted) {
    throw new AcsegError('INTERRUPTED', `${out}: interrupted after ${done} of ${todo.length} images; ${indexFile.images} images are saved`, {
      file: out,
      hint: 'run the same command again to resume',
    });
  }
  const skipped = index.skipped.filter((s) => inputKeys.has(keyOf(s.source)));
  log.info(`${out}: ${written} images written, ${resumed} already cached, ${skipped.length} skipped; ${indexFile.images} in the cache`);
  return { written, skipped, resumed, total: indexFile.images };
}
