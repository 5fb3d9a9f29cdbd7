import { AcsegError, type DigestStash, type RegionDigest, type RowReader } from '@acseg/core';
import { AppendFile } from './append-file.js';
import { RecordIndex } from './record-index.js';
import { RowsFile } from './rows-file.js';
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
 * block at a time. Kept in memory: where each image's header lies (20 bytes an image). Written once, read back in the
 * same run: no format to keep across versions.
 */
export class FileDigestStash implements DigestStash {
  private readonly at = new RecordIndex();

  private constructor(
    private readonly headers: AppendFile,
    private readonly rowsFile: RowsFile,
  ) {}

  static async create(headersPath: string, rowsPath: string): Promise<FileDigestStash> {
    const headers = await AppendFile.create(headersPath, (e) => cannotWrite(headersPath, e));
    try {
      return new FileDigestStash(headers, await RowsFile.create(rowsPath));
    } catch (e) {
      await headers.close();
      throw e;
    }
  }

  async put(index: number, digest: RegionDigest): Promise<void> {
    if (index <= this.at.last) throw new RangeError(`digest stash: image ${index} put after image ${this.at.last}`);
    if (digest.embeddings.length !== digest.foreground.length)
      throw new RangeError(`digest stash: image ${index} has ${digest.embeddings.length} embeddings for ${digest.foreground.length} foreground regions`);
    this.rowsFile.check(digest.embeddings);
    const h: DigestHeader = { r: digest.regionCount, b: digest.background.map(Number), f: digest.foreground, o: this.rowsFile.rows };
    if (digest.groundTruth) h.g = Array.from(digest.groundTruth);
    const header = Buffer.from(JSON.stringify(h));
    this.at.add(index, this.headers.end, header.length);
    await Promise.all([this.headers.append(header), this.rowsFile.append(digest.embeddings).written]);
  }

  rows(): Promise<RowReader> {
    return this.rowsFile.reader();
  }

  async get(index: number): Promise<RegionDigest> {
    const where = this.at.find(index);
    if (!where) throw new AcsegError('BAD_INPUT', `${this.headers.path}: nothing kept for image ${index} in pass 1`);
    const bytes = Buffer.alloc(where.size);
    if (!(await this.headers.read(bytes, where.offset))) throw cutShort(this.headers.path, index);
    const h = JSON.parse(bytes.toString('utf8')) as DigestHeader;
    const data = await this.rowsFile.read(h.o, h.f.length);
    if (!data) throw cutShort(this.rowsFile.path, index);
    const { cols } = this.rowsFile;
    const digest: RegionDigest = {
      regionCount: h.r,
      background: h.b.map(Boolean),
      foreground: h.f,
      embeddings: h.f.map((_, j) => data.subarray(j * cols, (j + 1) * cols)),
    };
    if (h.g) digest.groundTruth = Int32Array.from(h.g);
    return digest;
  }

  /** Closes and removes both files. */
  async close(): Promise<void> {
    await Promise.all([this.headers.close(), this.rowsFile.close()]);
  }
}

function cutShort(path: string, index: number): AcsegError {
  return new AcsegError('BAD_INPUT', `${path}: the record of image ${index} is cut short (changed during the run?)`);
}
