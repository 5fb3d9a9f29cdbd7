import { AcsegError, type RowReader } from '@acseg/core';
import { AppendFile } from './append-file.js';
import { cannotWrite } from './stash-file.js';

/**
 * Region embeddings of a whole set as float32 rows in one scratch file, image after image (the digest stash of `run`,
 * the prepared items of `eval`): appended as they come, read back as rows of one matrix (`reader`, for the k-means
 * fit) or a range at a time. Every row must have the set's width. Removed by `close`.
 */
export class RowsFile {
  private rowCount = 0;
  private width = 0;

  private constructor(private readonly file: AppendFile) {}

  /** `what` names the file in an error (default: the pass-1 record). */
  static async create(path: string, what?: string): Promise<RowsFile> {
    return new RowsFile(await AppendFile.create(path, (e) => cannotWrite(path, e, what)));
  }

  get path(): string {
    return this.file.path;
  }

  /** Rows appended so far. */
  get rows(): number {
    return this.rowCount;
  }

  /** Values a row (0 before the first). */
  get cols(): number {
    return this.width;
  }

  /** Checks every row's width against the set's (before anything of the image is written). */
  check(rows: readonly Float32Array[]): void {
    let cols = this.width;
    for (const e of rows) {
      if (!cols) cols = e.length;
      else if (e.length !== cols)
        throw new AcsegError('BAD_INPUT', `region embeddings of ${e.length} and ${cols} dimensions in one set`, {
          hint: 'every image must go through the same backbone',
        });
    }
  }

  /** Appends the rows (checked); returns the index of the first. */
  append(rows: readonly Float32Array[]): { first: number; written: Promise<void> } {
    this.check(rows);
    if (!this.width && rows.length) this.width = rows[0].length;
    const first = this.rowCount;
    this.rowCount += rows.length;
    return { first, written: this.file.append(...rows.map((e) => new Uint8Array(e.buffer, e.byteOffset, e.byteLength))) };
  }

  /** Rows [first, first + count) into one array; false when the file is shorter. */
  async read(first: number, count: number): Promise<Float32Array | undefined> {
    const data = new Float32Array(count * this.width);
    if (data.length && !(await this.file.read(new Uint8Array(data.buffer), first * this.width * 4))) return undefined;
    return data;
  }

  /** Every row as one matrix read a block at a time (synchronously, after the last append has been written). */
  async reader(): Promise<RowReader> {
    await this.file.settle();
    const { file, rowCount: rows, width: cols } = this;
    return {
      rows,
      cols,
      read(start, count, into) {
        if (start < 0 || count < 0 || start + count > rows) throw new RangeError(`${file.path}: rows ${start}..${start + count} of ${rows}`);
        const bytes = new Uint8Array(into.buffer, into.byteOffset, count * cols * 4);
        if (!file.readSync(bytes, start * cols * 4)) throw new AcsegError('BAD_INPUT', `${file.path}: cut short (changed during the run?)`);
      },
    };
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
