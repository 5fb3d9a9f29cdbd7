import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './index.js';

const src = dirname(fileURLToPath(import.meta.url));
const heic = join(src, 'testing', 'fixtures', 'heic', 'pattern.heic');
const built = join(src, '..', 'dist', 'heic.js');

// The built package decodes HEIC pixels on a worker thread (the TypeScript sources, which these tests import, on the
// calling thread): `npm run build` makes dist/, as the README's set-up does.
describe('HEIC on a worker thread (the built package)', () => {
  it('gives the pixels of the calling thread, bit for bit, from workers (one, then two) that idle without holding the process; after a worker dies, from the calling thread', async () => {
    const dist = (await import(pathToFileURL(join(src, '..', 'dist', 'index.js')).href)) as typeof import('./index.js');
    const heicDist = (await import(pathToFileURL(built).href)) as typeof import('./heic.js');
    expect(heicDist.heicThread()).toBe('worker');
    const [there, here] = await Promise.all([dist.decodeImage(heic), decodeImage(heic)]);
    expect(heicDist.heicWorkers()).toHaveLength(1);
    expect(heicDist.heicWorkers()[0].threadId).toBeGreaterThan(0);
    expect([there.width, there.height, there.id]).toEqual([here.width, here.height, here.id]);
    expect(Buffer.from(there.data).equals(Buffer.from(here.data))).toBe(true);
    // Two decoder threads: photos asked for at once decode two at a time, on two workers, to the same pixels.
    heicDist.heicThreads(2);
    const four = await Promise.all([0, 1, 2, 3].map(() => dist.decodeImage(heic)));
    expect(heicDist.heicWorkers()).toHaveLength(2);
    for (const image of four) expect(Buffer.from(image.data).equals(Buffer.from(here.data))).toBe(true);
    expect(() => heicDist.heicThreads(0)).toThrow(RangeError);
    // A worker that dies leaves the photos to the calling thread, one at a time, and the other worker is stopped.
    const [first, second] = heicDist.heicWorkers();
    const stopped = new Promise((r) => second.once('exit', r));
    await first.terminate();
    await stopped;
    expect(heicDist.heicThread()).toBe('caller');
    expect(heicDist.heicWorkers()).toEqual([]);
    const after = await Promise.all([0, 1].map(() => dist.decodeImage(heic)));
    for (const image of after) expect(Buffer.from(image.data).equals(Buffer.from(here.data))).toBe(true);
    // A process that decoded a HEIC ends when its work does: the idle worker does not keep it alive.
    const script = `const m = await import(${JSON.stringify(pathToFileURL(join(src, '..', 'dist', 'index.js')).href)}); const i = await m.decodeImage(${JSON.stringify(heic)}); console.log(i.width);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect([r.status, r.stdout.trim()], r.stderr).toEqual([0, '65']);
  });
});
