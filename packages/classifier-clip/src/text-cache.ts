import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Class text embeddings on disk, so that runs over the same class list
 * (seeds, evaluations) encode the 20 × 85 prompts once: `<cacheDir>/clip-text/<key>.f32`.
 * The key hashes the weights file (path, size, mtime), the class names, the
 * candidates and the templates. Written atomically (temp file + rename).
 */
export class TextEmbeddingCache {
  constructor(private readonly dir: string) {}

  async key(weightsFile: string, parts: unknown): Promise<string> {
    const s = await stat(weightsFile);
    return createHash('sha256')
      .update(JSON.stringify([weightsFile, s.size, s.mtimeMs, parts]))
      .digest('hex')
      .slice(0, 32);
  }

  /** The cached array when present and of the expected length. */
  async get(key: string, length: number): Promise<Float32Array | undefined> {
    try {
      const buf = await readFile(join(this.dir, `${key}.f32`));
      if (buf.byteLength !== length * 4) return undefined;
      return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    } catch {
      return undefined;
    }
  }

  async set(key: string, data: Float32Array): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${key}.f32`);
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    await rename(tmp, file);
  }
}
