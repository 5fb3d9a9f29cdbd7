import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StashedAssignment } from '@acseg/core';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStash } from './stash-file.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function entry(i: number): StashedAssignment {
  const k = 1 + (i % 7);
  const grid = { h: 8 + (i % 5), w: 9 + (i % 3) };
  // Values of every kind a float32 holds (subnormal, negative zero, extremes), so a byte slip shows.
  const S = Float32Array.from({ length: grid.h * grid.w * k }, (_, j) => [Math.fround(Math.sin(i * 31 + j)), -0, 1e-45, 3.4e38][j % 4]);
  // Names of different lengths put the floats at every alignment.
  return { id: `img-${'x'.repeat(i % 4)}${i}`, source: `photos/é${i}.jpg`, assignment: { id: `a${i}`, k, assignment: S }, grid, width: 10 + i, height: 7 + i };
}

describe('FileStash', () => {
  it('gives back each entry bit for bit, also when read many at once, and removes its file on close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acseg-stash-'));
    dirs.push(dir);
    const stash = await FileStash.create(join(dir, 'pass1'));
    const n = 3000; // several flushes of 1 MB
    for (let i = 0; i < n; i++) if (i % 10 !== 3) await stash.put(i, entry(i));
    const indices = Array.from({ length: n }, (_, i) => i).filter((i) => i % 10 !== 3);
    for (let s = 0; s < indices.length; s += 16) {
      const got = await Promise.all(indices.slice(s, s + 16).map((i) => stash.get(i)));
      got.forEach((g, j) => {
        const want = entry(indices[s + j]);
        expect({ ...g, assignment: { ...g.assignment, assignment: [] } }).toEqual({ ...want, assignment: { ...want.assignment, assignment: [] } });
        expect(Buffer.from(g.assignment.assignment.buffer).equals(Buffer.from(want.assignment.assignment.buffer))).toBe(true);
      });
    }
    await expect(stash.get(3)).rejects.toThrow(/nothing kept for image 3/);
    await stash.close();
    expect(existsSync(join(dir, 'pass1'))).toBe(false);
  });

  it('a folder it cannot write in is one error naming the folder', async () => {
    const missing = join(tmpdir(), 'acseg-no-such-folder', 'pass1');
    await expect(FileStash.create(missing)).rejects.toThrow(/acseg-no-such-folder: cannot write the pass-1 record/);
  });
});
