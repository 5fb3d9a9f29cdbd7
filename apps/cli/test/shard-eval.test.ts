import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTinyCamVid } from '../../../packages/eval/src/testing/tiny-datasets.js';
import { acseg, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const clean = { SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '', ACSEG_NUM_SHARDS: '' };

/** metrics.json without what differs between runs (time) or what shards do not keep (the sample pictures). */
function numbers(file: string): unknown {
  const m = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  expect(m.seconds).toEqual(expect.any(Number));
  delete m.date;
  delete m.seconds;
  delete m.samples;
  return m;
}

describe('eval --shard: per-image partials merged into the table and metrics of one process', () => {
  it("2 shards + merge give the one-process numbers, in the split's own order; a retried shard has nothing to redo", async () => {
    const root = join(tempDir(), 'camvid');
    const sizes: Array<[number, number]> = [
      [64, 48],
      [48, 64],
      [80, 60],
      [64, 64],
      [56, 40],
      [72, 54],
      [64, 48],
    ];
    await writeTinyCamVid(root, { val: sizes }, 7);
    // The split's list not in sorted order: k-means starts from the digests in list order, so merge must restore it.
    const list = join(root, 'val.txt');
    writeFileSync(list, readFileSync(list, 'utf8').trim().split('\n').reverse().join('\n') + '\n');
    const common = [
      'eval',
      '--dataset',
      'camvid',
      '--root',
      root,
      '--split',
      'val',
      '--backbone',
      'handcrafted',
      '--generator',
      'kmeans',
      '--seeds',
      '3',
      '--quiet',
    ];

    const one = join(tempDir(), 'one');
    const r = acseg([...common, '--out', one], undefined, clean);
    expect(r.status, r.stderr).toBe(0);

    const out = join(tempDir(), 'sharded');
    const s0 = acseg([...common, '--out', out, '--shard', '0/2'], undefined, clean);
    expect(s0.status, s0.stderr).toBe(0);
    expect(s0.stdout).toContain('shard 0/2 (--shard 0/2): 3 of 7 images: 3 prepared, 0 skipped');
    const s1 = acseg([...common, '--out', out], undefined, { ...clean, SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' });
    expect(s1.status, s1.stderr).toBe(0);
    expect(acseg([...common, '--out', out, '--shard', '0/2'], undefined, clean).stdout).toContain('already prepared');

    const m = acseg(['merge', out]);
    expect(m.status, m.stderr).toBe(0);
    expect(readFileSync(join(out, 'table.md'), 'utf8')).toBe(readFileSync(join(one, 'table.md'), 'utf8'));
    expect(numbers(join(out, 'metrics.json'))).toEqual(numbers(join(one, 'metrics.json')));
    // The items waited on disk in each shard, the retry's check and the merge, and were all removed.
    expect(
      readdirSync(out, { recursive: true })
        .map(String)
        .filter((f) => basename(f).startsWith('.acseg-eval-items')),
    ).toEqual([]);

    // A classifier no shard protocol covers (it needs no fit, and is not CLIP's Table 4): refused before any work.
    const bg = acseg([...common, '--classifier', 'background', '--out', join(tempDir(), 'k'), '--shard', '0/2'], undefined, clean);
    expect(bg.status).toBe(2);
    expect(bg.stderr.split('\n').find((l) => l.startsWith('acseg: error:'))).toBe(
      'acseg: error: eval --shard: classifier background is not supported; shards prepare digests for a classifier fitted on the split (kmeans) or on the train split (knn), or labels of one that needs no fit (clip)',
    );
  });
});
