import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// Every flush to disk, by the file it was asked for (the descriptor's path as the kernel names it).
const flushed = vi.hoisted(() => [] as string[]);
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    fsync: (fd: number, done: (e: NodeJS.ErrnoException | null) => void) => {
      flushed.push(fs.readlinkSync(`/proc/self/fd/${fd}`));
      fs.fsync(fd, done);
    },
  };
});

const { writeFileAtomic, writeImageOutputs } = await import('./index.js');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-flush-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  flushed.length = 0;
});

const image = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i * 14) };
const map = [0, 0, 1, 2, 2, 1];
const seg = (id: string) => ({
  id,
  source: `${id}.png`,
  image,
  classMap: Uint8Array.from(map),
  regionMap: Uint8Array.from(map),
  width: 3,
  height: 2,
  regions: [],
});

describe.runIf(process.platform === 'linux')('flushing to disk', () => {
  it('writeFileAtomic flushes the temp file before the rename by default, not with flush: false; the contents are the same', async () => {
    await writeFileAtomic(join(dir, 'a.txt'), 'one');
    expect(flushed).toHaveLength(1);
    expect(flushed[0]).toMatch(/a\.txt\.\d+\.\d+\.tmp$/);
    await writeFileAtomic(join(dir, 'b.txt'), 'two', { flush: false });
    expect(flushed).toHaveLength(1);
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('one');
    expect(await readFile(join(dir, 'b.txt'), 'utf8')).toBe('two');
  });

  it("writeImageOutputs flushes none of an image's files by default, each of them with flush: true, and writes the same bytes", async () => {
    await writeImageOutputs(join(dir, 'plain'), seg('x'));
    expect(flushed).toEqual([]);
    await writeImageOutputs(join(dir, 'flushed'), seg('x'), { flush: true });
    const written = (await readdir(join(dir, 'flushed'), { recursive: true })).map(String).filter((f) => f.includes('.'));
    const files = ['thumbs/x.jpg', 'x.json', 'x.overlay.png', 'x.png', 'x.regions.png'];
    expect(written.sort()).toEqual(files);
    expect(flushed).toHaveLength(files.length);
    for (const f of files) {
      expect(
        flushed.filter((p) => p.startsWith(`${join(dir, 'flushed', f)}.`)),
        f,
      ).toHaveLength(1);
      expect((await readFile(join(dir, 'plain', f))).equals(await readFile(join(dir, 'flushed', f))), f).toBe(true);
    }
  });
});
