import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resizeNormalize } from '@acseg/backbone-dino';
import { repoRoot } from './helpers.js';

interface Raster {
  width: number;
  height: number;
  data: Uint8Array;
}

/** What these tests use of backbone-dino's ResizePool. */
interface Pool {
  readonly threads: number;
  readonly workers: ReadonlyArray<{ terminate(): Promise<number> }>;
  resize(image: Raster, height: number, width: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

// The built pool, by path: its workers need the built worker file (from TypeScript sources it resizes on the
// calling thread), and a path keeps the type checker and linter off a file that exists only after the build.
const built = pathToFileURL(join(repoRoot, 'packages/backbone-dino/dist/image/resize-pool.js')).href;
const { ResizePool } = (await import(built)) as { ResizePool: new (size?: number) => Pool };

function raster(width: number, height: number, seed: number): Raster {
  return { width, height, data: Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 31 + seed * 7 + ((i * i) % 13)) % 256) };
}

function expected(image: Raster, height: number, width: number): Float32Array {
  const out = new Float32Array(3 * height * width);
  resizeNormalize(image, { height, width }, out);
  return out;
}

const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe("backbone-dino's resize workers (built)", () => {
  it('resize on a worker thread to the floats of resizeNormalize, views of larger buffers included', async () => {
    const pool = new ResizePool(1);
    try {
      expect(pool.threads).toBe(1);
      const image = raster(97, 61, 1);
      expect(same(await pool.resize(image, 32, 48), expected(image, 32, 48))).toBe(true);
      const backing = raster(50, 41, 2);
      const view = { width: 50, height: 40, data: backing.data.subarray(150) };
      expect(same(await pool.resize(view, 28, 28), expected({ ...view, data: view.data.slice() }, 28, 28))).toBe(true);
    } finally {
      await pool.dispose();
    }
  });

  it('a worker that dies mid-job is dropped and its job done on the calling thread, with the same floats', async () => {
    const pool = new ResizePool(1);
    try {
      const image = raster(120, 90, 3);
      const job = pool.resize(image, 56, 56);
      await pool.workers[0].terminate();
      expect(same(await job, expected(image, 56, 56))).toBe(true);
      expect(pool.threads).toBe(0);
      expect(same(await pool.resize(image, 28, 42), expected(image, 28, 42))).toBe(true);
    } finally {
      await pool.dispose();
    }
  });
});
