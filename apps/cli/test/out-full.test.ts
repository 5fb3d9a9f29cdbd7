import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const fast = ['--backbone', 'handcrafted', '--generator', 'kmeans', '--quiet'];

/** `n` PNGs of noise (their overlays hardly compress: a few of them fill a small disk). */
function noiseImages(n: number): string {
  const dir = tempDir('acseg-full-in-');
  let seed = 11;
  const noise = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  for (let i = 0; i < n; i++) {
    const w = 160,
      h = 120;
    writeFileSync(
      join(dir, `n${String(i).padStart(2, '0')}.png`),
      encode({ width: w, height: h, data: Uint8Array.from({ length: w * h * 3 }, noise), channels: 3, depth: 8 }),
    );
  }
  return dir;
}

/**
 * A new folder with a tmpfs of `size` (and `more` mount options) mounted on it (root only) for the calling describe block, unmounted after it;
 * `mounted` false where this machine does not allow it.
 */
function smallDisk(prefix: string, size: string, more = ''): { out: string; mounted: boolean } {
  const out = tempDir(prefix);
  const mounted = process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${more}`, 'tmpfs', out]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', [out]);
  });
  return { out, mounted };
}

describe.runIf(existsSync('/dev/full'))('output worker: a write that fails for want of space', () => {
  it("rejects with the system error's code and path, as a write on this thread would", () => {
    const script = `
const { OutputPool } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'apps/cli/dist/output-pool.js')).href)});
const { symlinkSync } = await import('node:fs');
const out = process.env.OUT_DIR;
symlinkSync('/dev/full', out + '/gallery.jsonl');
const pool = new OutputPool(1);
const width = 40, height = 30, k = 2, grid = { h: 2, w: 2 };
const job = {
  id: 'a', source: 'a.png', backbone: 'b', generator: 'g', classifier: null,
  image: { width, height, data: new Uint8Array(width * height * 3).fill(90) },
  regions: { deferred: { assignment: Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1]), k, grid, width, height } },
};
const got = await pool.write(out, job, {}, { path: out + '/gallery.jsonl' }).then(() => ({ ok: true }), (e) => ({ message: e.message, code: e.code, syscall: e.syscall }));
await pool.close();
console.log(JSON.stringify(got));`;
    const file = join(tempDir(), 'full.mjs');
    writeFileSync(file, script);
    const out = tempDir();
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', OUT_DIR: out } });
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout) as { message: string; code: string; syscall: string };
    expect(got.code).toBe('ENOSPC');
    expect(got.message).toContain(join(out, 'gallery.jsonl'));
    // The image's own files were written before the record failed.
    expect(existsSync(join(out, 'a.json'))).toBe(true);
  });
});

describe('acseg segment on a disk that fills up', () => {
  const images = noiseImages(60);
  const { out, mounted } = smallDisk('acseg-full-out-', '2m');

  it.runIf(mounted)('stops with one message naming the folder (no stack trace); the rerun on more space finishes the rest', () => {
    const target = join(out, 'seg');
    const r = acseg(['segment', '--images', images, '--out', target, ...fast]);
    expect(r.status).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('acseg: error:'));
    expect(errors).toEqual([expect.stringContaining(`output folder ${target}: cannot write, no space left on its device (ENOSPC)`)]);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toContain('Unhandled');
    // Every JSON written before the stop is whole (an image is recorded once all its files are); no temp file is left.
    const record = readFileSync(join(target, 'gallery.jsonl'), 'utf8').split('\n').filter(Boolean);
    const finished = readdirSync(target).filter((f) => f.endsWith('.json'));
    expect(record.length).toBeLessThan(60);
    for (const f of finished) expect(JSON.parse(readFileSync(join(target, f), 'utf8'))).toHaveProperty('id');
    expect(readdirSync(target).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(r.stderr).toContain('the images finished before the stop are whole and kept');

    expect(spawnSync('mount', ['-o', 'remount,size=64m', out]).status).toBe(0);
    const again = acseg(['segment', '--images', images, '--out', target, ...fast]);
    expect(again.status, again.stderr).toBe(0);
    // The images recorded before the stop are kept (with a disk this small, all writes in flight may fail: none).
    const rest = 60 - record.length;
    expect(again.stdout).toMatch(new RegExp(`segmented ${rest} of ${rest} images ${record.length ? `\\(${record.length} more kept` : 'with'}`));
    expect(readdirSync(target).filter((f) => f.endsWith('.json'))).toHaveLength(60);
  });
});

describe('acseg features on a disk without room for the cache', () => {
  const images = noiseImages(40);
  const { out, mounted } = smallDisk('acseg-room-cache-', '1m');

  it.runIf(mounted)('stops before writing it, naming the cache folder, the sizes and the flag', () => {
    const target = join(out, 'cache');
    const r = acseg(['features', '--images', images, '--out', target, '--backbone', 'handcrafted', '--quiet']);
    expect(r.status).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('acseg: error:'));
    // 40 rows of the handcrafted backbone's 14×14 patches of 96 (float32), on a disk of 1 MiB.
    expect(errors).toEqual([
      `acseg: error: ${target}: the feature cache needs about 3.0 MB more for 40 images (76 KB an image) and its disk has 1.0 MB free; stopped before writing them`,
    ]);
    expect(r.stderr).toContain('hint: free some space, or give --out a folder on a disk with more room');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(readdirSync(target).filter((f) => f.endsWith('.safetensors'))).toEqual([]);
  });
});

describe('acseg features on a disk that fills up', () => {
  const images = noiseImages(40);
  // Bytes enough for the cache, files not: the check of free bytes passes and the writes fail (ENOSPC), as when
  // another program fills the disk meanwhile.
  const { out, mounted } = smallDisk('acseg-full-cache-', '8m', ',nr_inodes=4');

  it.runIf(mounted)('stops with the same one message naming the cache folder', () => {
    const target = join(out, 'cache');
    const r = acseg(['features', '--images', images, '--out', target, '--backbone', 'handcrafted', '--quiet']);
    expect(r.status).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('acseg: error:'));
    expect(errors).toEqual([expect.stringContaining(`output folder ${target}: cannot write, no space left on its device (ENOSPC)`)]);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
