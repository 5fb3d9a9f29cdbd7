import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assignmentToRegions, type RegionMap } from '@acseg/core';
import { removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

interface Grid {
  h: number;
  w: number;
}

/** The overlap counted pixel by pixel: patch (r, c) holds the pixels whose centres map to it. */
function overlapByPixel(map: Pick<RegionMap, 'width' | 'height' | 'count'> & { labels: ArrayLike<number> }, grid: Grid): number[] {
  const n = grid.h * grid.w;
  const out = new Array<number>(map.count * n).fill(0);
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      const r = Math.min(grid.h - 1, Math.floor(((y + 0.5) * grid.h) / map.height));
      const c = Math.min(grid.w - 1, Math.floor(((x + 0.5) * grid.w) / map.width));
      out[map.labels[y * map.width + x] * n + r * grid.w + c]++;
    }
  }
  return out;
}

// The built pool and core, in a plain Node process: the pool's workers need the built worker file, and this test
// runner's module conditions (TypeScript sources) would follow them into the workers.
const script = `
const { OutputPool } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'apps/cli/dist/output-pool.js')).href)});
const core = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'packages/core/dist/index.js')).href)});
const input = JSON.parse(process.env.REGIONS_INPUT);
input.assignment = Float32Array.from(input.assignment);
const pool = new OutputPool(1);
const map = await pool.regions(input);
await pool.close();
const given = core.regionPatchOverlap(map, input.grid);
const other = { h: 3, w: 4 };
const counted = core.regionPatchOverlap(map, other);
console.log(JSON.stringify({
  count: map.count, labels: Array.from(map.labels), given: Array.from(given),
  givenAgain: core.regionPatchOverlap(map, input.grid) === given,
  counted: Array.from(counted), countedAgain: core.regionPatchOverlap(map, other) === counted,
}));`;

describe('output worker: region maps for a classifier come with their patch overlap', () => {
  it("the map of assignmentToRegions, and regionPatchOverlap gives the worker's overlap for its grid (the pixel count), another grid's counted again", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const grid = { h: 6, w: 8 };
    const k = 5;
    const assignment = Float32Array.from({ length: grid.h * grid.w * k }, () => random());
    const input = { assignment: Array.from(assignment), k, grid, width: 97, height: 61 };
    // A file, not --eval: the pool's workers would inherit --input-type.
    const file = join(tempDir(), 'regions.mjs');
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, [file], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '', REGIONS_INPUT: JSON.stringify(input) },
    });
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout) as { count: number; labels: number[]; given: number[]; givenAgain: boolean; counted: number[]; countedAgain: boolean };
    const mine = assignmentToRegions({ ...input, assignment });
    expect(got.count).toBe(mine.count);
    expect(got.labels).toEqual(Array.from(mine.labels));
    const map = { width: 97, height: 61, count: got.count, labels: got.labels };
    expect(got.given).toEqual(overlapByPixel(map, grid));
    // The same array at each call: the one given with the map, not counted again (a counted one is new each call).
    expect(got.givenAgain).toBe(true);
    expect(got.counted).toEqual(overlapByPixel(map, { h: 3, w: 4 }));
    expect(got.countedAgain).toBe(false);
  });

  it('a map asked for while writes are queued on the worker waits for one of them at most, not for all', () => {
    // One image written first (the worker's folders made), then eight images' outputs (640×480 of noise: several ms
    // each) posted to the worker at once, and a map asked for after them.
    const timing = `
const { OutputPool } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'apps/cli/dist/output-pool.js')).href)});
const out = process.env.OUT_DIR;
const pool = new OutputPool(1);
const width = 640, height = 480, k = 3, grid = { h: 4, w: 4 };
let seed = 1;
const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
const job = (i) => ({
  id: 'img' + i, source: 'img' + i + '.png', backbone: 'b', generator: 'g', classifier: null,
  image: { width, height, data: Uint8Array.from({ length: width * height * 3 }, noise) },
  regions: { deferred: { assignment: Float32Array.from({ length: grid.h * grid.w * k }, () => noise() / 255), k, grid, width, height } },
});
await pool.write(out, job(0));
const jobs = Array.from({ length: 8 }, (_, i) => job(i + 1));
const t0 = performance.now();
const writes = Promise.all(jobs.map((j) => pool.write(out, j)));
const map = await pool.regions({ assignment: Float32Array.from({ length: grid.h * grid.w * k }, () => noise() / 255), k, grid, width, height });
const mapMs = performance.now() - t0;
await writes;
const allMs = performance.now() - t0;
await pool.close();
console.log(JSON.stringify({ regions: map.count, mapMs, allMs }));`;
    const file = join(tempDir(), 'timing.mjs');
    writeFileSync(file, timing);
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', OUT_DIR: tempDir() } });
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout) as { regions: number; mapMs: number; allMs: number };
    expect(got.regions).toBeGreaterThan(0);
    // Times on one thread, compared with each other (not with a budget): in the order asked, the map waited for the
    // eight writes' encoding, ~99 % of their time; now for the one or two started before it arrived, ~40 %.
    expect(got.mapMs).toBeLessThan(0.7 * got.allMs);
  });
});
