import { readSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { AcsegError } from '@acseg/core';

/** Bytes gathered before one write: the records are a few KB each. */
const FLUSH_BYTES = 1 << 20;

/**
 * A scratch file that is appended to and read back in the same run (the pass-1 records of `run`): appends are
 * gathered into writes of ~1 MB; a read waits for the writes before it. Removed by `close`.
 */
export class AppendFile {
  /**
   * Appends are copied into this buffer of the file's own, written when full: holding the callers' buffers instead
   * kept Node's shared 8 KB pool slabs of small ones alive (~5 KB an image in `run`'s pass 1).
   */
  private stage = Buffer.allocUnsafeSlow(FLUSH_BYTES);
  private used = 0;
  private size = 0;
  /** The writes so far, in order: a read waits for them. */
  private written: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    private readonly cannotWrite: (e: unknown) => AcsegError,
  ) {}

  /** Creates (or empties) the file; `cannotWrite` makes the error for any failed write, this one included. */
  static async create(path: string, cannotWrite: (e: unknown) => AcsegError): Promise<AppendFile> {
    try {
      return new AppendFile(path, await open(path, 'w+'), cannotWrite);
    } catch (e) {
      throw cannotWrite(e);
    }
  }

  /** Where the next appended byte lands. */
  get end(): number {
    return this.size + this.used;
  }

  /** Appends a copy of the bytes (the caller may reuse them at once); waits for a write when the buffer filled. */
  async append(...parts: Uint8Array[]): Promise<void> {
    let flushed: Promise<void> | undefined;
    for (const p of parts) {
      for (let at = 0; at < p.length;) {
        const n = Math.min(p.length - at, this.stage.length - this.used);
        this.stage.set(p.subarray(at, at + n), this.used);
        this.used += n;
        at += n;
        if (this.used === this.stage.length) flushed = this.flush();
      }
    }
    await flushed;
  }

  /** Reads `into.length` bytes at `position`, after every append before it; false when the file is shorter. */
  async read(into: Uint8Array, position: number): Promise<boolean> {
    await this.settle();
    const { bytesRead } = await this.file.read(into, 0, into.length, position);
    return bytesRead === into.length;
  }

  /** The same, synchronously, once `settle` has resolved after the last append (a k-means fit reads this way). */
  readSync(into: Uint8Array, position: number): boolean {
    let done = 0;
    while (done < into.length) {
      const n = readSync(this.file.fd, into, done, into.length - done, position + done);
      if (n === 0) return false;
      done += n;
    }
    return true;
  }

  /** Writes what is gathered; resolves once every append so far is in the file. */
  settle(): Promise<void> {
    if (this.used) void this.flush().catch(() => undefined);
    return this.written;
  }

  /** Closes and removes the file. */
  async close(): Promise<void> {
    await this.written.catch(() => undefined);
    await this.file.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }

  /** Writes what is gathered, after the writes before it; the returned promise is theirs and its own. */
  private flush(): Promise<void> {
    const all = this.stage.subarray(0, this.used);
    const at = this.size;
    this.stage = Buffer.allocUnsafeSlow(FLUSH_BYTES);
    this.used = 0;
    this.size += all.length;
    this.written = this.written.then(async () => {
      try {
        await this.file.write(all, 0, all.length, at);
      } catch (e) {
        throw this.cannotWrite(e);
      }
    });
    return this.written;
  }
}
