import { AcsegError, type DigestStash, type RegionDigest, type RowReader } from '@acseg/core';
import { AppendFile } from './append-file.js';
import { cannotWrite } from './stash-file.js';

/** Names of the digest stash's two files inside `--out`, beside the assignments' `.acseg-pass1`; removed at the end. */
export const DIGESTS_FILE = '.acseg-pass1-digests';
export const ROWS_FILE = '.acseg-pass1-rows';

interface DigestHeader {
  /** regionCount */
  r: number;
  /** background, as 0/1 */
  b: number[];
  /** foreground */
  f: number[];
  /** groundTruth */
  g?: number[];
  /** First row of its embeddings in the rows file. */
  o: number;
}

/**
 * The region digests of pass 1 on disk (core's `DigestStash`): each image's header (JSON) in one file and its
 * embeddings as float32 rows in another, one after the other, so the k-means fit reads all of them as one matrix a
 * block at a time. Kept in memory: where each image's header lies (16 bytes an image). Written once, read back in the
 * same run: no format to keep across versions.
 */
export class FileDigestStash implements DigestStash {
  private indices = new Int32Array(1024);
  private offsets = new Float64Array(1024);
  private lengths = new Int32Array(1024);
  private count = 0;
  private rowCount = 0;
  private cols = 0;

  private constructor(
    private readonly headers: AppendFile,
    private readonly rowsFile: AppendFile,
  ) {}

  static async create(headersPath: string, rowsPath: string): Promise<FileDigestStash> {
    const headers = await AppendFile.create(headersPath, (e) => cannotWrite(headersPath, e));
    try {
      return new FileDigestStash(headers, await AppendFile.create(rowsPath, (e) => cannotWrite(rowsPath, e)));
    } catch (e) {
      await headers.close();
      throw e;
    }
  }

  async put(index: number, digest: RegionDigest): Promise<void> {
    if (this.count && index <= this.indices[this.count - 1])
      throw new RangeError(`digest stash: image ${index} put after image ${this.indices[this.count - 1]}`);
    if (digest.embeddings.length !== digest.foreground.length)
      throw new RangeError(`digest stash: image ${index} has ${digest.embeddings.length} embeddings for ${digest.foreground.length} foreground regions`);
    for (const e of digest.embeddings) {
      if (!this.cols) this.cols = e.length;
      else if (e.length !== this.cols)
        throw new AcsegError('BAD_INPUT', `region embeddings of ${e.length} and ${this.cols} dimensions in one set`, {
          hint: 'every image must go through the same backbone',
        });
    }
    const h: DigestHeader = { r: digest.regionCount, b: digest.background.map(Number), f: digest.foreground, o: this.rowCount };
    if (digest.groundTruth) h.g = Array.from(digest.groundTruth);
    const header = Buffer.from(JSON.stringify(h));
    if (this.count === this.indices.length) this.grow();
    this.indices[this.count] = index;
    this.offsets[this.count] = this.headers.end;
    this.lengths[this.count++] = header.length;
    this.rowCount += digest.embeddings.length;
    await Promise.all([
      this.headers.append(header),
      this.rowsFile.append(...digest.embeddings.map((e) => new Uint8Array(e.buffer, e.byteOffset, e.byteLength))),
    ]);
  }

  async rows(): Promise<RowReader> {
    await this.rowsFile.settle();
    const { rowsFile, rowCount: rows, cols } = this;
    return {
      rows,
      cols,
      read(start, count, into) {
        if (start < 0 || count < 0 || start + count > rows) throw new RangeError(`digest stash: rows ${start}..${start + count} of ${rows}`);
        const bytes = new Uint8Array(into.buffer, into.byteOffset, count * cols * 4);
        if (!rowsFile.readSync(bytes, start * cols * 4)) throw new AcsegError('BAD_INPUT', `${rowsFile.path}: cut short (changed during the run?)`);
      },
    };
  }

  async get(index: number): Promise<RegionDigest> {
    const slot = this.slotOf(index);
    if (slot < 0) throw new AcsegError('BAD_INPUT', `${this.headers.path}: nothing kept for image ${index} in pass 1`);
    const bytes = Buffer.alloc(this.lengths[slot]);
    if (!(await this.headers.read(bytes, this.offsets[slot]))) throw cutShort(this.headers.path, index);
    const h = JSON.parse(bytes.toString('utf8')) as DigestHeader;
    const data = new Float32Array(h.f.length * this.cols);
    if (data.length && !(await this.rowsFile.read(new Uint8Array(data.buffer), h.o * this.cols * 4))) throw cutShort(this.rowsFile.path, index);
    const digest: RegionDigest = {
      regionCount: h.r,
      background: h.b.map(Boolean),
      foreground: h.f,
      embeddings: h.f.map((_, j) => data.subarray(j * this.cols, (j + 1) * this.cols)),
    };
    if (h.g) digest.groundTruth = Int32Array.from(h.g);
    return digest;
  }

  /** Closes and removes both files. */
  async close(): Promise<void> {
    await Promise.all([this.headers.close(), this.rowsFile.close()]);
  }

  /** The slot of an image index (put in increasing order), −1 if it was never put. */
  private slotOf(index: number): number {
    let lo = 0,
      hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.indices[mid];
      if (v === index) return mid;
      if (v < index) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private grow(): void {
    const n = this.indices.length * 2;
    const indices = new Int32Array(n);
    indices.set(this.indices);
    const offsets = new Float64Array(n);
    offsets.set(this.offsets);
    const lengths = new Int32Array(n);
    lengths.set(this.lengths);
    [this.indices, this.offsets, this.lengths] = [indices, offsets, lengths];
  }
}

function cutShort(path: string, index: number): AcsegError {
  return new AcsegError('BAD_INPUT', `${path}: the record of image ${index} is cut short (changed during the run?)`);
}
