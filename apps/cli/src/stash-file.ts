import { open, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AcsegError, type AssignmentStash, type StashedAssignment } from '@acseg/core';

/** Name of the stash between the two passes of `run` (k-means classifier) inside `--out`; removed at the end. */
export const STASH_FILE = '.acseg-pass1';

/** Bytes gathered before one write: the records are a few KB each. */
const FLUSH_BYTES = 1 << 20;

/**
 * The assignments of pass 1 on disk (core's `AssignmentStash`), so that memory does not grow with the number of
 * images: each record is its header (JSON) and S as float32 bytes, appended; an offset per image is kept. Written
 * once, read once in the same order: no format to keep across versions, and removed by `close`.
 */
export class FileStash implements AssignmentStash {
  private readonly at = new Map<number, { offset: number; headerBytes: number; floats: number }>();
  private chunks: Buffer[] = [];
  private buffered = 0;
  private size = 0;
  /** The writes so far, in order: a read waits for them. */
  private written: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
  ) {}

  static async create(path: string): Promise<FileStash> {
    try {
      return new FileStash(path, await open(path, 'w+'));
    } catch (e) {
      throw cannotWrite(path, e);
    }
  }

  async put(index: number, entry: StashedAssignment): Promise<void> {
    const { id, source, grid, width, height, assignment } = entry;
    const header = Buffer.from(JSON.stringify({ id, source, grid, width, height, k: assignment.k, assignmentId: assignment.id }));
    const S = assignment.assignment;
    const data = Buffer.from(S.buffer, S.byteOffset, S.byteLength);
    this.at.set(index, { offset: this.size + this.buffered, headerBytes: header.length, floats: S.length });
    // Copied: the caller's array may be reused once this returns.
    this.chunks.push(header, Buffer.from(data));
    this.buffered += header.length + data.length;
    if (this.buffered >= FLUSH_BYTES) await this.flush();
  }

  async get(index: number): Promise<StashedAssignment> {
    const where = this.at.get(index);
    if (!where) throw new AcsegError('BAD_INPUT', `${this.path}: nothing kept for image ${index} in pass 1`);
    if (this.buffered) this.flush();
    await this.written;
    this.at.delete(index);
    const bytes = Buffer.alloc(where.headerBytes + 4 * where.floats);
    const { bytesRead } = await this.file.read(bytes, 0, bytes.length, where.offset);
    if (bytesRead !== bytes.length) throw new AcsegError('BAD_INPUT', `${this.path}: the record of image ${index} is cut short (changed during the run?)`);
    const h = JSON.parse(bytes.subarray(0, where.headerBytes).toString('utf8')) as {
      id: string;
      source: string;
      grid: { h: number; w: number };
      width: number;
      height: number;
      k: number;
      assignmentId: string;
    };
    // A copy into its own aligned buffer: a Float32Array needs an offset that is a multiple of 4.
    const S = new Float32Array(where.floats);
    new Uint8Array(S.buffer).set(bytes.subarray(where.headerBytes));
    return { id: h.id, source: h.source, grid: h.grid, width: h.width, height: h.height, assignment: { id: h.assignmentId, k: h.k, assignment: S } };
  }

  /** Closes and removes the file. */
  async close(): Promise<void> {
    await this.written.catch(() => undefined);
    await this.file.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }

  /** Writes what is gathered, after the writes before it; the returned promise is theirs and its own. */
  private flush(): Promise<void> {
    const all = Buffer.concat(this.chunks, this.buffered);
    const at = this.size;
    this.chunks = [];
    this.buffered = 0;
    this.size += all.length;
    this.written = this.written.then(async () => {
      try {
        await this.file.write(all, 0, all.length, at);
      } catch (e) {
        throw cannotWrite(this.path, e);
      }
    });
    return this.written;
  }
}

function cannotWrite(path: string, e: unknown): AcsegError {
  return new AcsegError('BAD_INPUT', `${dirname(path)}: cannot write the pass-1 record ${path} (${(e as Error).message})`, { file: path, cause: e });
}
