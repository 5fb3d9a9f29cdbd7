import { statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Argv } from 'yargs';
import { byKey, resolveShard, shardRange, type Shard } from './shard.js';
import { listDigest, openPart, partName, type PartKind } from './shard-part.js';

export function shardOptions<T>(a: Argv<T>) {
  return a
    .option('shard', {
      type: 'string',
      describe:
        'work on shard i of N of the sorted image list (i/N, 0-based), into <out>/part-i-of-N; default: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX',
    })
    .option('num-shards', { type: 'number', describe: 'number of shards with JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs; or ACSEG_NUM_SHARDS)' });
}

export interface ShardJob {
  shard: Shard | null;
  /** This process's images, in sorted order. */
  images: string[];
  /** The images of the shards before this one, in sorted order (none when not sharded). */
  before: string[];
  /** Where this process writes: `out`, or its part folder. */
  out: string;
  /** Writes the part record (sharded jobs only); call once the settings are known, before the work. */
  start(kind: PartKind, settings: Record<string, unknown>): Promise<void>;
  /** "shard 1/4 (from SLURM_ARRAY_TASK_ID=1 ...): 12 of 48 images", or '' when not sharded. */
  describe(): string;
}

/** The folder image paths are taken relative to: the --images folder (or a file's folder), or the dataset root. */
export function listRoot(images: string): string {
  const abs = resolve(images);
  try {
    return statSync(abs).isFile() ? dirname(abs) : abs;
  } catch {
    return abs;
  }
}

/**
 * Picks this process's images: the list sorted by path relative to `root`
 * (so every machine, whatever the mount point, splits it the same way), cut
 * to the shard from `--shard` or the scheduler's environment. Without a
 * shard: the whole sorted list, into `out` itself.
 */
export function planShard(flags: { shard?: string; numShards?: number }, all: readonly string[], root: string, out: string, input: string): ShardJob {
  const shard = resolveShard(flags);
  const rel = (p: string) => relative(root, resolve(p)).split(sep).join('/');
  const sorted = all.map((p) => ({ p, key: rel(p) })).sort((a, b) => byKey(a.key, b.key));
  if (!shard) {
    return { shard, images: sorted.map((x) => x.p), before: [], out, start: async () => undefined, describe: () => '' };
  }
  const { start, end } = shardRange(sorted.length, shard);
  const dir = join(out, partName(shard));
  const mine = sorted.slice(start, end);
  return {
    shard,
    images: mine.map((x) => x.p),
    before: sorted.slice(0, start).map((x) => x.p),
    out: dir,
    start: (kind, settings) =>
      openPart(dir, {
        kind,
        shard: shard.index,
        of: shard.count,
        images: mine.length,
        total: sorted.length,
        list: listDigest(sorted.map((x) => x.key)),
        input,
        settings,
      }),
    describe: () => `shard ${shard.index}/${shard.count} (${shard.from}): ${mine.length} of ${sorted.length} images`,
  };
}
