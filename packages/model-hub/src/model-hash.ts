import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from './atomic.js';

/**
 * Where model hashes are remembered: one small JSON in the acseg cache folder
 * (beside `models/`), not beside the model (its folder may be read-only or
 * shared) nor in a feature cache (one model serves many caches).
 */
export const MODEL_HASHES_FILE = 'model-hashes.json';

interface Entry {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  sha256: string;
  /** When the hash was taken (ms since the epoch). */
  hashedAt: number;
}

interface HashFile {
  format: 'acseg-model-hashes';
  version: 1;
  files: Record<string, Entry>;
}

/**
 * File times tick coarsely (a jiffy on Linux, 2 s on FAT): a file rewritten
 * within one tick of being hashed can keep its mtime. As git does for "racily
 * clean" files, an entry is trusted only when the file was last changed well
 * before it was hashed.
 */
const RACY_MS = 2000;

const sameFile = (a: Stats, b: Stats) => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;

async function readHashes(path: string): Promise<HashFile> {
  try {
    const x = JSON.parse(await readFile(path, 'utf8')) as HashFile;
    if (x.format === 'acseg-model-hashes' && x.version === 1 && typeof x.files === 'object' && x.files) return x;
  } catch {
    // Absent or damaged: start afresh (it only saves time).
  }
  return { format: 'acseg-model-hashes', version: 1, files: {} };
}

/**
 * SHA-256 of a model file's content, the model's identity for feature caches.
 * `bytes` are the file's content as just read (hashed here, so the identity is
 * that of the bytes that run); `before` is the file's stat taken before
 * reading them. With `cacheDir`, the hash is remembered in
 * `<cacheDir>/model-hashes.json` by absolute path, size, mtime, ctime and
 * inode, and not computed again while those stay the same.
 */
export async function modelSha256(file: string, bytes: Uint8Array, before: Stats, cacheDir?: string): Promise<string> {
  const after = await stat(file).catch(() => null);
  const steady = after !== null && sameFile(before, after);
  const key = resolve(file);
  const store = cacheDir ? join(cacheDir, MODEL_HASHES_FILE) : undefined;
  const hashes = store && steady ? await readHashes(store) : undefined;
  const e = hashes?.files[key];
  if (
    e &&
    e.size === before.size &&
    e.mtimeMs === before.mtimeMs &&
    e.ctimeMs === before.ctimeMs &&
    e.ino === before.ino &&
    e.mtimeMs < e.hashedAt - RACY_MS &&
    /^[0-9a-f]{64}$/.test(e.sha256)
  ) {
    return e.sha256;
  }
  const hashedAt = Date.now();
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (store && hashes) {
    hashes.files[key] = { size: before.size, mtimeMs: before.mtimeMs, ctimeMs: before.ctimeMs, ino: before.ino, sha256, hashedAt };
    // Best effort: a cache folder that cannot be written only costs hashing again next time.
    await mkdir(cacheDir!, { recursive: true })
      .then(() => writeFileAtomic(store, `${JSON.stringify(hashes, null, 1)}\n`))
      .catch(() => undefined);
  }
  return sha256;
}
