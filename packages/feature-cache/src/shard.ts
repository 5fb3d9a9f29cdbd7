import { createHash } from 'node:crypto';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { AcsegError, writeViaTemp, type FeatureMap } from '@acseg/core';
import { safetensorsPieces, type TensorToWrite } from '@acseg/safetensors';
import { CACHE_FORMAT, shardFileName, type CacheIndex, type ImageEntry } from './format.js';

export interface ShardLayout {
  grid: { h: number; w: number };
  dim: number;
  /** Attention heads, 0 for none. */
  heads: number;
  cls: boolean;
}

/** The layout every map of a cache must share, taken from the first map. */
export function layoutOf(f: FeatureMap): ShardLayout {
  return { grid: { ...f.grid }, dim: f.dim, heads: f.attention?.heads ?? 0, cls: f.cls !== undefined };
}

/**
 * Stacks up to `capacity` feature maps into preallocated shard tensors.
 * Each map is copied in as it arrives, so the writer keeps no map alive:
 * memory is one shard's tensors (written to disk straight from them).
 */
export class ShardBuilder {
  readonly n: number;
  private tokens: Float32Array;
  private cls: Float32Array | null;
  private attention: Float32Array | null;
  readonly ids: string[] = [];

  constructor(
    readonly layout: ShardLayout,
    readonly capacity: number,
  ) {
    this.n = layout.grid.h * layout.grid.w;
    this.tokens = new Float32Array(capacity * this.n * layout.dim);
    this.cls = layout.cls ? new Float32Array(capacity * layout.dim) : null;
    this.attention = layout.heads > 0 ? new Float32Array(capacity * layout.heads * this.n) : null;
  }

  get count(): number {
    return this.ids.length;
  }

  get full(): boolean {
    return this.ids.length >= this.capacity;
  }

  /** Checks a map against the layout; returns the problem, or null. */
  mismatch(f: FeatureMap): string | null {
    const L = this.layout;
    if (f.grid.h !== L.grid.h || f.grid.w !== L.grid.w) return `patch grid ${f.grid.h}×${f.grid.w} differs from the cache's ${L.grid.h}×${L.grid.w}`;
    if (f.dim !== L.dim) return `feature dimension ${f.dim} differs from the cache's ${L.dim}`;
    if (f.tokens.length !== this.n * L.dim) return `tokens hold ${f.tokens.length} values, expected ${this.n}×${L.dim}`;
    if ((f.cls !== undefined) !== L.cls) return L.cls ? 'has no CLS token, the cache stores one' : 'has a CLS token, the cache stores none';
    if (L.cls && f.cls!.length !== L.dim) return `CLS holds ${f.cls!.length} values, expected ${L.dim}`;
    const heads = f.attention?.heads ?? 0;
    if (heads !== L.heads) return `has ${heads} attention heads, the cache stores ${L.heads}`;
    if (f.attention && f.attention.data.length !== heads * this.n) return `attention holds ${f.attention.data.length} values, expected ${heads}×${this.n}`;
    return null;
  }

  add(f: FeatureMap): void {
    const problem = this.mismatch(f);
    if (problem) throw new AcsegError('BAD_INPUT', `${f.source ?? f.id}: ${problem}`, { file: f.source, stage: 'features' });
    if (this.full) throw new Error('ShardBuilder: shard is full');
    const r = this.ids.length;
    const d = this.layout.dim;
    this.tokens.set(f.tokens, r * this.n * d);
    if (this.cls) this.cls.set(f.cls!, r * d);
    if (this.attention) this.attention.set(f.attention!.data, r * this.layout.heads * this.n);
    this.ids.push(f.id);
  }

  /** Room left in this shard, in rows. */
  get room(): number {
    return this.capacity - this.ids.length;
  }

  /**
   * The bytes of the next `k` rows of each tensor, for a caller that fills
   * them straight from another shard file of the same layout (the merge);
   * `commit` then takes them in.
   */
  rowBytes(k: number): { tokens: Uint8Array; cls?: Uint8Array; attention?: Uint8Array } {
    if (k < 1 || k > this.room) throw new Error(`ShardBuilder: ${k} rows asked, ${this.room} left`);
    const r = this.ids.length;
    const bytes = (a: Float32Array, perRow: number) => new Uint8Array(a.buffer, a.byteOffset + 4 * r * perRow, 4 * k * perRow);
    const d = this.layout.dim;
    return {
      tokens: bytes(this.tokens, this.n * d),
      ...(this.cls ? { cls: bytes(this.cls, d) } : {}),
      ...(this.attention ? { attention: bytes(this.attention, this.layout.heads * this.n) } : {}),
    };
  }

  /** Takes in the rows `rowBytes` handed out, with their images' ids. */
  commit(ids: readonly string[]): void {
    if (ids.length > this.room) throw new Error('ShardBuilder: shard is full');
    this.ids.push(...ids);
  }

  /** The shard's safetensors file for the rows filled so far, as pieces (views of the builder's tensors). */
  pieces(): Uint8Array[] {
    const c = this.count;
    const d = this.layout.dim;
    const t: Record<string, TensorToWrite> = {
      tokens: { dtype: 'F32', shape: [c, this.n, d], data: this.tokens.subarray(0, c * this.n * d) },
    };
    if (this.cls) t.cls = { dtype: 'F32', shape: [c, d], data: this.cls.subarray(0, c * d) };
    if (this.attention) t.attention = { dtype: 'F32', shape: [c, this.layout.heads, this.n], data: this.attention.subarray(0, c * this.layout.heads * this.n) };
    return safetensorsPieces(t, { format: CACHE_FORMAT, ids: JSON.stringify(this.ids) });
  }

  /** Empties the builder for the next shard, reusing its buffers. */
  reset(): void {
    this.ids.length = 0;
  }
}

/** Writes bytes atomically (temp file beside the target, then rename); returns their SHA-256. */
export async function writeAtomic(path: string, bytes: Uint8Array | string): Promise<string> {
  try {
    await writeFileAtomic(path, typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new AcsegError('BAD_INPUT', `${path}: cannot write (${(e as Error).message})`, { file: path, cause: e });
  }
  return createHash('sha256').update(bytes).digest('hex');
}

let temps = 0;

/**
 * Writes pieces one after the other into a temp file beside `path`, syncs
 * it and renames it into place (what write-file-atomic does for one
 * buffer; a killed writer leaves only a `.tmp-<pid>-<n>` file, which the
 * next writer removes), hashing as it goes: no copy of a large shard into
 * one buffer. Returns the SHA-256 and the size.
 */
export async function writePiecesAtomic(path: string, pieces: readonly Uint8Array[]): Promise<{ sha256: string; bytes: number }> {
  const tmp = `${path}.tmp-${process.pid}-${++temps}`;
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    await writeViaTemp(path, tmp, async (fh) => {
      for (const p of pieces) {
        // The write runs off the JS thread: hash the piece meanwhile (it is not changed while written).
        const written = (async () => {
          for (let at = 0; at < p.byteLength;) at += (await fh.write(p, at, p.byteLength - at)).bytesWritten;
        })();
        hash.update(p);
        bytes += p.byteLength;
        await written;
      }
    });
  } catch (e) {
    throw new AcsegError('BAD_INPUT', `${path}: cannot write (${(e as Error).message})`, { file: path, cause: e });
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * Writes the builder's rows as the index's next shard file and records it with its images (`pending`, in row
 * order); the builder is emptied. The index itself is written by the caller, after the shard.
 */
export async function appendShard(out: string, builder: ShardBuilder, index: CacheIndex, pending: readonly ImageEntry[]): Promise<void> {
  const file = shardFileName(index.shards.length);
  const { sha256, bytes } = await writePiecesAtomic(join(out, file), builder.pieces());
  index.shards.push({ file, count: builder.count, bytes, sha256 });
  index.images.push(...pending);
  builder.reset();
}
