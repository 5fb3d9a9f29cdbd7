import { statfs } from 'node:fs/promises';
import { AcsegError } from '@acseg/core';
import type { ShardLayout } from './shard.js';

/**
 * Bytes an ordinary user may still write on the file system holding `dir` (statfs's bavail × bsize); undefined
 * where the system does not say (statfs unsupported or failing, a network file system reporting nothing).
 */
export async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const s = await statfs(dir);
    const n = s.bavail * s.bsize;
    return s.bsize > 0 && s.blocks > 0 && Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Bytes of one image's row in a shard: tokens, attention and CLS, as float32 (what ShardBuilder stores). */
export function rowBytes(L: ShardLayout): number {
  return 4 * (L.grid.h * L.grid.w * (L.dim + L.heads) + (L.cls ? L.dim : 0));
}

// A shard's safetensors header and index entry, and an image's index entry besides its source path: generous
// upper bounds, so the estimate errs towards asking for more room.
const SHARD_OVERHEAD = 4096;
const ENTRY_OVERHEAD = 128;

/**
 * What `images` more images need on disk: their rows, the headers of the shards they fill, and their index entries
 * twice (index.json is rewritten through a temporary copy beside it).
 */
export function bytesNeeded(L: ShardLayout, images: number, sourceChars: number, perShard: number): number {
  const shards = Math.ceil(images / Math.max(1, perShard));
  return images * rowBytes(L) + shards * SHARD_OVERHEAD + 2 * (sourceChars + images * ENTRY_OVERHEAD);
}

/** The cache would not fit: raised before anything is written (after the first batch at most, whose size tells a row's). */
export class CacheRoomError extends AcsegError {
  constructor(
    readonly folder: string,
    readonly need: number,
    readonly free: number,
    readonly images: number,
    readonly perImage: number,
    hint = 'free some space, or write the cache to a folder on a disk with more room',
  ) {
    super(
      'BAD_INPUT',
      `${folder}: the feature cache needs about ${sizeText(need)} more for ${images} image${images === 1 ? '' : 's'} (${sizeText(perImage)} an image) ` +
        `and its disk has ${sizeText(free)} free; stopped before writing them`,
      { file: folder, hint },
    );
    this.name = 'AcsegError';
  }
}

/** 1.5 GB, 312 MB, 40 KB: decimal units, as disk sizes are sold and `df -H` prints them. */
export function sizeText(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${Math.round(v)} bytes` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}
