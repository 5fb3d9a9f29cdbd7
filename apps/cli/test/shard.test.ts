import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/** An image of a few colour blocks that depend on `seed` (so features differ between images). */
async function blocks(file: string, seed: number, width = 48, height = 40): Promise<void> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const b = ((x >> 3) * 7 + (y >> 3) * 13 + seed * 31) % 97;
      data.set([(b * 37 + seed * 11) % 256, (b * 91) % 256, (b * 53 + y) % 256], (y * width + x) * 3);
    }
  }
  const img = sharp(data, { raw: { width, height, channels: 3 } });
  await (file.endsWith('.jpg') ? img.jpeg({ quality: 90 }) : img.png()).toFile(file);
}

/** A cache folder's index (timestamp blanked) and shard files, as text. */
function cacheBytes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name === 'index.json') out[name] = readFileSync(join(dir, name), 'utf8').replace(/"updated":"[^"]*"/, '"updated":""');
    else if (/^shard-\d+\.safetensors$/.test(name)) out[name] = readFileSync(join(dir, name)).toString('base64');
  }
  return out;
}

const sources = (dir: string): string[] =>
  (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { images: Array<{ source: string }> }).images.map((im) => im.source);

// Sorted: a.jpg and a.png (ids "a", "a-2") fall in different shards of 3 (cuts after 3 and 6 of 10).
const NAMES = ['0.png', 'b1.png', 'a.jpg', 'a.png', 'c.png', 'd.png', 'e.jpg', 'f.png', 'g.png', 'h.png'];
const SORTED = [...NAMES].sort();
const SHARDS = [SORTED.slice(0, 3), SORTED.slice(3, 6), SORTED.slice(6)];

describe('acseg features --shard and acseg merge', () => {
  let images: string;
  let one: string;
  const common = ['--backbone', 'handcrafted', '--shard-size', '2', '--flush-seconds', '3600', '--quiet'];
  const clean = { SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '', ACSEG_NUM_SHARDS: '' };

  beforeAll(async () => {
    images = join(tempDir(), 'images');
    mkdirSync(images);
    for (const [i, n] of NAMES.entries()) await blocks(join(images, n), i);
    one = join(tempDir(), 'one');
    const r = acseg(['features', '--images', images, '--out', one, ...common], undefined, clean);
    expect(r.status, r.stderr).toBe(0);
    expect(sources(one)).toEqual(SORTED.map((n) => join(images, n)));
  });

  it('each shard (from --shard, Slurm or Kubernetes variables) writes only its part; the merge equals one process, byte for byte', () => {
    const out = join(tempDir(), 'features');
    const envs: Array<[string[], Record<string, string>]> = [
      [['--shard', '0/3'], clean],
      [[], { ...clean, SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '2' }],
      [[], { ...clean, JOB_COMPLETION_INDEX: '2', ACSEG_NUM_SHARDS: '3' }],
    ];
    for (const [i, [flags, env]] of envs.entries()) {
      const r = acseg(['features', '--images', images, '--out', out, ...common, ...flags], undefined, env);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`shard ${i}/3 (`);
      const part = join(out, `part-000${i}-of-0003`);
      expect(readdirSync(out).sort()).toEqual(Array.from({ length: i + 1 }, (_, k) => `part-000${k}-of-0003`));
      expect(sources(part)).toEqual(SHARDS[i].map((n) => join(images, n)));
    }
    const m = acseg(['merge', out, '--quiet']);
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toContain(`feature cache ${out}: 10 images in 5 shard files, 0 skipped; merged from 3 shards of --images ${images} (10 images)`);
    const want = cacheBytes(one);
    expect(Object.keys(want)).toHaveLength(6);
    expect(cacheBytes(out)).toEqual(want);
    // The merged cache is a cache like the one-process one: a later run over the same images computes nothing.
    const again = acseg(['features', '--images', images, '--out', out, ...common], undefined, clean);
    expect(again.stdout).toContain('(0 computed now, 10 already there, 0 skipped)');
  });

  it('a retried task redoes only what its killed attempt did not save; an unfinished shard is not merged', () => {
    const out = join(tempDir(), 'features');
    for (const i of [0, 1, 2]) expect(acseg(['features', '--images', images, '--out', out, '--shard', `${i}/3`, ...common], undefined, clean).status).toBe(0);
    // Shard 2 (4 images, 2 shard files) as a kill after its first file leaves it: the last file and its entries gone.
    const part = join(out, 'part-0002-of-0003');
    const ix = JSON.parse(readFileSync(join(part, 'index.json'), 'utf8')) as { shards: Array<{ file: string }>; images: Array<{ shard: number }> };
    const last = ix.shards.pop()!;
    ix.images = ix.images.filter((im) => im.shard < ix.shards.length);
    writeFileSync(join(part, 'index.json'), JSON.stringify(ix));
    rmSync(join(part, last.file));

    const refused = acseg(['merge', out, '--quiet']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${part}: shard 2/3 is unfinished (2 of its 4 images); nothing merged`);
    expect(existsSync(join(out, 'index.json'))).toBe(false);

    const retry = acseg(['features', '--images', images, '--out', out, '--quiet', ...common.slice(0, -1)], undefined, {
      ...clean,
      SLURM_ARRAY_TASK_ID: '2',
      SLURM_ARRAY_TASK_COUNT: '3',
    });
    expect(retry.status, retry.stderr).toBe(0);
    expect(retry.stdout).toContain('(2 computed now, 2 already there, 0 skipped)');
    expect(acseg(['merge', out, '--quiet']).status).toBe(0);
    expect(cacheBytes(out)).toEqual(cacheBytes(one));
  });

  it('refuses a missing shard, a shard twice, parts of another job, a bad shard: one line, exit 2, nothing merged', () => {
    const out = join(tempDir(), 'features');
    for (const i of [0, 2]) expect(acseg(['features', '--images', images, '--out', out, '--shard', `${i}/3`, ...common], undefined, clean).status).toBe(0);
    const firstLine = (s: string) => s.split('\n')[0];

    const missing = acseg(['merge', out]);
    expect(missing.status).toBe(2);
    expect(firstLine(missing.stderr)).toBe('acseg: error: shard 1 of 3 is missing (found 0, 2)');

    // Shard 1 of another shard size, then shard 0 given twice.
    const other = join(tempDir(), 'other');
    expect(
      acseg(['features', '--images', images, '--out', other, '--shard', '1/3', ...common.slice(0, 2), '--shard-size', '5', '--quiet'], undefined, clean).status,
    ).toBe(0);
    const mixed = acseg([
      'merge',
      '--out',
      join(tempDir(), 'm'),
      join(out, 'part-0000-of-0003'),
      join(other, 'part-0001-of-0003'),
      join(out, 'part-0002-of-0003'),
    ]);
    expect(mixed.status).toBe(2);
    expect(firstLine(mixed.stderr)).toBe(
      `acseg: error: ${join(other, 'part-0001-of-0003')} and ${join(out, 'part-0000-of-0003')} are parts of different jobs (shardSize 5 ≠ 2); cannot merge them`,
    );

    const copy = join(tempDir(), 'copy');
    cpSync(join(out, 'part-0000-of-0003'), join(copy, 'part-0000-of-0003'), { recursive: true });
    const twice = acseg(['merge', '--out', join(tempDir(), 'm'), out, copy]);
    expect(twice.status).toBe(2);
    expect(firstLine(twice.stderr)).toBe(`acseg: error: shard 0/3 is given twice: ${join(out, 'part-0000-of-0003')} and ${join(copy, 'part-0000-of-0003')}`);

    // Another image list: one more image in the folder.
    const more = join(tempDir(), 'more');
    cpSync(images, more, { recursive: true });
    cpSync(join(images, '0.png'), join(more, 'z.png'));
    const moreOut = join(tempDir(), 'more-out');
    expect(acseg(['features', '--images', more, '--out', moreOut, '--shard', '1/3', ...common], undefined, clean).status).toBe(0);
    const list = acseg([
      'merge',
      '--out',
      join(tempDir(), 'm'),
      join(out, 'part-0000-of-0003'),
      join(moreOut, 'part-0001-of-0003'),
      join(out, 'part-0002-of-0003'),
    ]);
    expect(list.status).toBe(2);
    expect(firstLine(list.stderr)).toMatch(/are parts of different jobs \(image list --images .*more \(11 images\) ≠ --images .*images \(10 images\)\)/);
    expect(readdirSync(out).sort()).toEqual(['part-0000-of-0003', 'part-0002-of-0003']);

    for (const [args, env, message] of [
      [['--shard', '3/3'], clean, 'acseg: error: --shard 3/3: shard index 3 is out of range (0..2 for 3 shards)'],
      [['--shard', '0/0'], clean, 'acseg: error: --shard 0/0: the number of shards must be at least 1, got 0'],
      [
        [],
        { ...clean, JOB_COMPLETION_INDEX: '1' },
        'acseg: error: JOB_COMPLETION_INDEX=1 is set but not the number of shards (Kubernetes gives the index, not the count)',
      ],
      [
        [],
        { ...clean, SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '5' },
        'acseg: error: inconsistent Slurm array: SLURM_ARRAY_TASK_COUNT=3 but SLURM_ARRAY_TASK_MIN..MAX=0..5 step 1 spans 6 tasks',
      ],
    ] as Array<[string[], Record<string, string>, string]>) {
      const r = acseg(['features', '--images', images, '--out', join(tempDir(), 'x'), ...common, ...args], undefined, env);
      expect(r.status).toBe(2);
      expect(firstLine(r.stderr)).toBe(message);
    }
  });
});
