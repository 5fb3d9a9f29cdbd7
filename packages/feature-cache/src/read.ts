import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AcsegError, type FeatureMap, type FeatureSource } from '@acseg/core';
import { readSafetensorsHeader, type SafetensorsHeader } from '@acseg/safetensors';
import { INDEX_FILE, parseIndex, type CacheIndex, type CacheModelInfo, type ImageEntry, type SkippedEntry } from './format.js';

export interface FeatureCacheOptions {
  /** Shard files kept open at once (least recently used closed first). Default 4. */
  openShards?: number;
}

interface OpenShard {
  path: string;
  fh: FileHandle;
  header: SafetensorsHeader;
}

interface ShardSlot {
  ready: Promise<OpenShard>;
  users: number;
}

function damaged(file: string, problem: string): AcsegError {
  return new AcsegError('BAD_INPUT', `${file}: ${problem}`, {
    file,
    hint: 'the feature cache is damaged; delete the cache folder and run `acseg features` again',
  });
}

/**
 * A feature cache opened for reading: a random-access `FeatureSource`.
 * Rows are read straight from the shard files by offset (a batch of 32
 * random images reads 32 rows, not 32 shards); open shard files are kept
 * in a small LRU.
 */
export class FeatureCache implements FeatureSource {
  readonly length: number;
  readonly dim: number;
  readonly grid: { h: number; w: number } | null;
  /** Attention heads stored per image (0 when there is none). */
  readonly heads: number;
  readonly info: CacheModelInfo;
  readonly ids: readonly string[];
  readonly images: readonly ImageEntry[];
  readonly skipped: readonly SkippedEntry[];
  private readonly byId: Map<string, number>;
  private readonly slots = new Map<number, ShardSlot>();
  private readonly capacity: number;

  private constructor(
    readonly path: string,
    private readonly index: CacheIndex,
    opts: FeatureCacheOptions,
  ) {
    this.length = index.images.length;
    this.dim = index.dim;
    this.grid = index.grid;
    this.heads = index.heads;
    this.info = index.info;
    this.images = index.images;
    this.ids = index.images.map((im) => im.id);
    this.skipped = index.skipped;
    this.byId = new Map(this.ids.map((id, i) => [id, i]));
    this.capacity = Math.max(1, opts.openShards ?? 4);
  }

  /** Opens a cache folder (or its index.json); checks the index and every shard's size. */
  static async open(path: string, opts: FeatureCacheOptions = {}): Promise<FeatureCache> {
    const dir = basename(path) === INDEX_FILE ? dirname(path) : path;
    const file = join(dir, INDEX_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      throw new AcsegError('BAD_INPUT', `${file}: ${missing ? 'not found; this folder is not a feature cache' : `cannot read (${(e as Error).message})`}`, {
        file,
        hint: missing ? 'make one with `acseg features --images DIR --out PATH`' : undefined,
      });
    }
    const index = parseIndex(text, file);
    for (const s of index.shards) {
      const p = join(dir, s.file);
      const size = await stat(p).then(
        (st) => st.size,
        () => -1,
      );
      if (size < 0) throw damaged(p, 'shard file is missing');
      if (size !== s.bytes) throw damaged(p, `shard file holds ${size} bytes, the index records ${s.bytes} (truncated or replaced)`);
    }
    return new FeatureCache(dir, index, opts);
  }

  /** Position of an image id, or -1. */
  indexOf(id: string): number {
    return this.byId.get(id) ?? -1;
  }

  async read(indices: readonly number[]): Promise<FeatureMap[]> {
    const out = new Array<FeatureMap>(indices.length);
    const byShard = new Map<number, number[]>();
    indices.forEach((i, k) => {
      if (!Number.isInteger(i) || i < 0 || i >= this.length) {
        throw new AcsegError('BAD_INPUT', `feature index ${i} is out of range (the cache ${this.path} holds ${this.length} images)`);
      }
      const s = this.images[i].shard;
      const list = byShard.get(s);
      if (list) list.push(k);
      else byShard.set(s, [k]);
    });
    for (const [s, ks] of byShard) {
      await this.withShard(s, async (sh) => {
        for (const k of ks) out[k] = await this.readRow(sh, this.images[indices[k]]);
      });
    }
    return out;
  }

  /**
   * Copies `count` consecutive stored rows of shard file `shard`, from `row`,
   * into `into`'s bytes, one read per tensor, without making a FeatureMap
   * per image: how a merge moves rows between caches of the same layout.
   * The shard is checked as for `read` (header shapes, ids).
   */
  async copyRows(shard: number, row: number, count: number, into: { tokens: Uint8Array; cls?: Uint8Array; attention?: Uint8Array }): Promise<void> {
    const entry = this.index.shards[shard];
    if (!entry || row < 0 || count < 1 || row + count > entry.count) throw new Error(`copyRows: rows ${row}..${row + count - 1} are not in shard ${shard}`);
    await this.withShard(shard, async (sh) => {
      for (const [name, target] of Object.entries(into)) {
        if (!target) continue;
        const t = sh.header.tensors[name];
        if (!t) throw damaged(sh.path, `shard has no "${name}" tensor`);
        const rowBytes = 4 * t.shape.slice(1).reduce((a, b) => a * b, 1);
        if (target.byteLength !== rowBytes * count) throw new Error(`copyRows: ${name} needs ${rowBytes * count} bytes, got ${target.byteLength}`);
        const start = sh.header.dataStart + t.data_offsets[0] + row * rowBytes;
        let got = 0;
        for (let n = -1; got < target.byteLength && n !== 0; got += n) n = (await sh.fh.read(target, got, target.byteLength - got, start + got)).bytesRead;
        if (got !== target.byteLength)
          throw damaged(sh.path, `tensor "${name}" rows ${row}..${row + count - 1} are cut short (the file was truncated after it was opened)`);
      }
    });
  }

  /** Re-hashes every shard file against the SHA-256 in the index (reads everything). */
  async verify(): Promise<void> {
    for (const s of this.index.shards) {
      const p = join(this.path, s.file);
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(p)) hash.update(chunk as Buffer);
      const got = hash.digest('hex');
      if (got !== s.sha256) throw damaged(p, `SHA-256 ${got} differs from the index's ${s.sha256}`);
    }
  }

  /** Closes the open shard files. The cache can still be read afterwards (files reopen). */
  async close(): Promise<void> {
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(
      slots.map((sl) =>
        sl.ready.then(
          (sh) => sh.fh.close(),
          () => undefined,
        ),
      ),
    );
  }

  private async withShard(s: number, fn: (sh: OpenShard) => Promise<void>): Promise<void> {
    let slot = this.slots.get(s);
    if (slot)
      this.slots.delete(s); // re-inserted below: most recently used last
    else slot = { ready: this.load(s), users: 0 };
    this.slots.set(s, slot);
    slot.users++;
    try {
      const sh = await slot.ready.catch((e: unknown) => {
        if (this.slots.get(s) === slot) this.slots.delete(s);
        throw e;
      });
      await fn(sh);
    } finally {
      slot.users--;
      await this.evict();
    }
  }

  private async evict(): Promise<void> {
    for (const [s, slot] of this.slots) {
      if (this.slots.size <= this.capacity) break;
      if (slot.users > 0) continue;
      this.slots.delete(s);
      await slot.ready.then(
        (sh) => sh.fh.close(),
        () => undefined,
      );
    }
  }

  private async load(s: number): Promise<OpenShard> {
    const entry = this.index.shards[s];
    const path = join(this.path, entry.file);
    let header: SafetensorsHeader;
    try {
      header = await readSafetensorsHeader(path);
    } catch (e) {
      throw damaged(path, `not a readable shard (${(e as Error).message.replace(`${path}: `, '')})`);
    }
    const n = this.grid ? this.grid.h * this.grid.w : 0;
    const want: Record<string, number[]> = { tokens: [entry.count, n, this.dim] };
    if (this.index.tensors.cls) want.cls = [entry.count, this.dim];
    if (this.index.tensors.attention) want.attention = [entry.count, this.heads, n];
    for (const [name, shape] of Object.entries(want)) {
      const t = header.tensors[name];
      if (!t) throw damaged(path, `shard has no "${name}" tensor`);
      if (t.dtype !== 'F32' || JSON.stringify(t.shape) !== JSON.stringify(shape)) {
        throw damaged(path, `tensor "${name}" is ${t.dtype} ${JSON.stringify(t.shape)}, the index implies F32 ${JSON.stringify(shape)}`);
      }
    }
    const ids: string[] = [];
    for (const im of this.images) if (im.shard === s) ids[im.row] = im.id;
    if (header.metadata.ids !== JSON.stringify(ids)) throw damaged(path, 'the image ids stored in the shard differ from the index (a shard of another run?)');
    const fh = await open(path, 'r').catch((e: Error) => {
      throw damaged(path, `cannot open (${e.message})`);
    });
    return { path, fh, header };
  }

  private async readTensorRow(sh: OpenShard, name: string, row: number): Promise<Float32Array> {
    const t = sh.header.tensors[name];
    const rowValues = t.shape.slice(1).reduce((a, b) => a * b, 1);
    const bytes = new Uint8Array(rowValues * 4);
    const { bytesRead } = await sh.fh.read(bytes, 0, bytes.length, sh.header.dataStart + t.data_offsets[0] + row * bytes.length);
    if (bytesRead !== bytes.length) throw damaged(sh.path, `tensor "${name}" row ${row} is cut short (the file was truncated after it was opened)`);
    return new Float32Array(bytes.buffer);
  }

  private async readRow(sh: OpenShard, im: ImageEntry): Promise<FeatureMap> {
    const grid = this.grid!;
    const f: FeatureMap = {
      id: im.id,
      grid: { h: grid.h, w: grid.w },
      dim: this.dim,
      tokens: await this.readTensorRow(sh, 'tokens', im.row),
      imageSize: { width: im.width, height: im.height },
      source: im.source,
    };
    if (this.index.tensors.cls) f.cls = await this.readTensorRow(sh, 'cls', im.row);
    if (this.index.tensors.attention) f.attention = { heads: this.heads, data: await this.readTensorRow(sh, 'attention', im.row) };
    return f;
  }
}
