import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AcsegError, type RowReader } from '@acseg/core';
import type { PreparedItem, PreparedStore } from '@acseg/eval';
import { AppendFile } from './append-file.js';
import { RecordIndex } from './record-index.js';
import { RowsFile } from './rows-file.js';
import { cannotWrite } from './stash-file.js';

/** `eval`'s prepared items wait in `--out` under these names (a number per split), removed at the end. */
export const PREPARED_STORE_PREFIX = '.acseg-eval-items';

interface ItemHeader {
  id: string;
  r: number;
  /** classes */
  c: number;
  /** Bytes of the counts, the ids and the digest's ground truth after the header. */
  n: [number, number, number];
  digest?: { r: number; b: number[]; f: number[] };
  /** First row of its embeddings in the rows file. */
  o: number;
}

/** What the files hold, in an error that names them. */
const WHAT = "the evaluation's prepared items";

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * `eval`'s prepared items on disk (the eval package's `PreparedStore`), so that memory does not grow with the split:
 * each item's header (JSON) and its counts, ids and ground truth as bytes in one file, its digest's embeddings as
 * float32 rows in another, both in the split's order. The seeds read them back a chunk at a time (one read of each
 * file per chunk), the k-means fit reads the rows as one matrix. Kept in memory: where each item lies (20 bytes an
 * image). Written and read in the same run: no format to keep across versions.
 */
export class FilePreparedStore implements PreparedStore {
  private readonly at = new RecordIndex();
  private count = 0;

  private constructor(
    private readonly items: AppendFile,
    private readonly rowsFile: RowsFile,
  ) {}

  /** Creates the two files `<prefix>` and `<prefix>-rows`. */
  static async create(prefix: string): Promise<FilePreparedStore> {
    const rowsPath = `${prefix}-rows`;
    const items = await AppendFile.create(prefix, (e) => cannotWrite(prefix, e, WHAT));
    try {
      return new FilePreparedStore(items, await RowsFile.create(rowsPath, WHAT));
    } catch (e) {
      await items.close();
      throw e;
    }
  }

  /** A factory for `eval`: each split's store in `dir`, numbered (a later run into the same folder starts them afresh). */
  static factory(dir: string): () => Promise<FilePreparedStore> {
    let n = 0;
    return async () => {
      const prefix = join(dir, `${PREPARED_STORE_PREFIX}-${n++}`);
      await mkdir(dir, { recursive: true }).catch((e: unknown) => {
        throw cannotWrite(prefix, e, WHAT);
      });
      return FilePreparedStore.create(prefix);
    };
  }

  get length(): number {
    return this.count;
  }

  async add(item: PreparedItem): Promise<void> {
    if (item.held) throw new AcsegError('BAD_CONFIG', `${item.id}: a prepared item holding its whole input is kept in memory, not on disk`);
    const embeddings = item.digest?.embeddings ?? [];
    this.rowsFile.check(embeddings);
    const counts = bytesOf(item.counts.counts);
    const ids = item.ids ?? new Uint8Array(0);
    const gt = item.digest?.groundTruth ? bytesOf(item.digest.groundTruth) : new Uint8Array(0);
    const h: ItemHeader = { id: item.id, r: item.counts.regionCount, c: item.counts.classes, n: [counts.length, ids.length, gt.length], o: this.rowsFile.rows };
    if (item.digest) {
      const d = item.digest;
      if (embeddings.length !== d.foreground.length)
        throw new RangeError(`prepared store: ${item.id} has ${embeddings.length} embeddings for ${d.foreground.length} foreground regions`);
      h.digest = { r: d.regionCount, b: d.background.map(Number), f: d.foreground };
    }
    // Absent and empty differ: flags in the header say which are there.
    const header = Buffer.from(JSON.stringify({ ...h, ...(item.ids ? { i: 1 } : {}), ...(item.digest?.groundTruth ? { g: 1 } : {}) }));
    const size = 4 + header.length + counts.length + ids.length + gt.length;
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    this.at.add(this.count++, this.items.end, size, this.rowsFile.rows);
    await Promise.all([this.items.append(length, header, counts, ids, gt), this.rowsFile.append(embeddings).written]);
  }

  async *chunks(size: number, options?: { digests?: boolean }): AsyncGenerator<readonly PreparedItem[]> {
    const step = Math.max(1, size);
    for (let s = 0; s < this.count; s += step) yield this.range(s, Math.min(this.count, s + step), options?.digests !== false);
  }

  /** Item `j` alone (`acseg merge` puts the parts' items in the split's order this way). */
  async get(j: number): Promise<PreparedItem> {
    return (await this.range(j, j + 1, true))[0];
  }

  rows(): Promise<RowReader> {
    return this.rowsFile.reader();
  }

  /** Closes and removes both files. */
  async close(): Promise<void> {
    await Promise.all([this.items.close(), this.rowsFile.close()]);
  }

  /** Items [s, e): one read of the items file and one of the rows file (both contiguous). */
  private async range(s: number, e: number, withDigests: boolean): Promise<PreparedItem[]> {
    const first = this.where(s);
    const last = this.where(e - 1);
    const bytes = Buffer.alloc(last.offset + last.size - first.offset);
    if (!(await this.items.read(bytes, first.offset))) throw this.cutShort(this.items.path, s);
    const rowEnd = e < this.count ? this.where(e).extra : this.rowsFile.rows;
    const rows = withDigests ? await this.rowsFile.read(first.extra, rowEnd - first.extra) : new Float32Array(0);
    if (!rows) throw this.cutShort(this.rowsFile.path, s);
    const out: PreparedItem[] = [];
    for (let j = s; j < e; j++) out.push(this.decode(bytes, this.where(j).offset - first.offset, rows, first.extra, withDigests));
    return out;
  }

  private where(j: number): { offset: number; size: number; extra: number } {
    const w = this.at.find(j);
    if (!w) throw new RangeError(`prepared store: no item ${j} of ${this.count}`);
    return w;
  }

  private decode(bytes: Buffer, at: number, rows: Float32Array, firstRow: number, withDigests: boolean): PreparedItem {
    const headerBytes = bytes.readUInt32LE(at);
    const h = JSON.parse(bytes.toString('utf8', at + 4, at + 4 + headerBytes)) as ItemHeader & { i?: 1; g?: 1 };
    let p = at + 4 + headerBytes;
    // Copies: each typed array gets its own aligned buffer.
    const take = (n: number): Uint8Array => Uint8Array.from(bytes.subarray(p, (p += n)));
    const counts = new Uint32Array(take(h.n[0]).buffer);
    const ids = take(h.n[1]);
    const gt = take(h.n[2]);
    const item: PreparedItem = { id: h.id, counts: { regionCount: h.r, classes: h.c, counts } };
    if (h.i) item.ids = ids;
    if (h.digest && withDigests) {
      const { cols } = this.rowsFile;
      const base = (h.o - firstRow) * cols;
      item.digest = {
        regionCount: h.digest.r,
        background: h.digest.b.map(Boolean),
        foreground: h.digest.f,
        embeddings: h.digest.f.map((_, k) => rows.subarray(base + k * cols, base + (k + 1) * cols)),
      };
      if (h.g) item.digest.groundTruth = new Int32Array(gt.buffer);
    }
    return item;
  }

  private cutShort(path: string, index: number): AcsegError {
    return new AcsegError('BAD_INPUT', `${path}: the record of item ${index} is cut short (changed during the run?)`);
  }
}
