import { dirname } from 'node:path';
import { AcsegError, type AssignmentStash, type StashedAssignment } from '@acseg/core';
import { AppendFile } from './append-file.js';
import { RecordIndex } from './record-index.js';

/** Name of the stash between the two passes of `run` (k-means classifier) inside `--out`; removed at the end. */
export const STASH_FILE = '.acseg-pass1';

/**
 * The assignments of pass 1 on disk (core's `AssignmentStash`), so that memory does not grow with the number of
 * images: each record is its header (JSON) and S as float32 bytes, appended; an offset per image is kept. Written
 * once, read once in the same order: no format to keep across versions, and removed by `close`.
 */
export class FileStash implements AssignmentStash {
  private readonly at = new RecordIndex();

  private constructor(private readonly file: AppendFile) {}

  get path(): string {
    return this.file.path;
  }

  static async create(path: string): Promise<FileStash> {
    return new FileStash(await AppendFile.create(path, (e) => cannotWrite(path, e)));
  }

  async put(index: number, entry: StashedAssignment): Promise<void> {
    const { id, source, grid, width, height, assignment } = entry;
    const header = Buffer.from(JSON.stringify({ id, source, grid, width, height, k: assignment.k, assignmentId: assignment.id }));
    const S = assignment.assignment;
    this.at.add(index, this.file.end, header.length, S.length);
    await this.file.append(header, new Uint8Array(S.buffer, S.byteOffset, S.byteLength));
  }

  async get(index: number): Promise<StashedAssignment> {
    const where = this.at.find(index);
    if (!where) throw new AcsegError('BAD_INPUT', `${this.path}: nothing kept for image ${index} in pass 1`);
    this.at.forget(index);
    const { offset, size: headerBytes, extra: floats } = where;
    const bytes = Buffer.alloc(headerBytes + 4 * floats);
    if (!(await this.file.read(bytes, offset)))
      throw new AcsegError('BAD_INPUT', `${this.path}: the record of image ${index} is cut short (changed during the run?)`);
    const h = JSON.parse(bytes.subarray(0, headerBytes).toString('utf8')) as {
      id: string;
      source: string;
      grid: { h: number; w: number };
      width: number;
      height: number;
      k: number;
      assignmentId: string;
    };
    // A copy into its own aligned buffer: a Float32Array needs an offset that is a multiple of 4.
    const S = new Float32Array(floats);
    new Uint8Array(S.buffer).set(bytes.subarray(headerBytes));
    return { id: h.id, source: h.source, grid: h.grid, width: h.width, height: h.height, assignment: { id: h.assignmentId, k: h.k, assignment: S } };
  }

  /** Closes and removes the file. */
  close(): Promise<void> {
    return this.file.close();
  }
}

export function cannotWrite(path: string, e: unknown, what = 'the pass-1 record'): AcsegError {
  return new AcsegError('BAD_INPUT', `${dirname(path)}: cannot write ${what} ${path} (${(e as Error).message})`, { file: path, cause: e });
}
