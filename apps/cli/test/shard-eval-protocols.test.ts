import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyClip } from '../../../packages/classifier-clip/src/testing/tiny-model.js';
import { writeTinyCamVid } from '../../../packages/eval/src/testing/tiny-datasets.js';
import { acseg, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const clean = { SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '', ACSEG_NUM_SHARDS: '' };
const firstError = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('acseg: error:'));

/** metrics.json without what differs between runs (time) or what shards do not keep (the sample pictures). */
function numbers(file: string): unknown {
  const m = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  expect(m.seconds).toEqual(expect.any(Number));
  delete m.date;
  delete m.seconds;
  delete m.samples;
  return m;
}

/** mIoU from the written confusion matrix (rows = ground truth), independently of the eval package. */
function miouFromConfusion(c: number[][]): number {
  const ious: number[] = [];
  for (let i = 0; i < c.length; i++) {
    const tp = c[i][i];
    const gt = c[i].reduce((a, b) => a + b, 0);
    const pred = c.reduce((a, row) => a + row[i], 0);
    if (gt + pred - tp > 0) ious.push(tp / (gt + pred - tp));
  }
  return (100 * ious.reduce((a, b) => a + b, 0)) / ious.length;
}

const root = join(tempDir(), 'camvid');
beforeAll(async () => {
  const size = (n: number, w: number): Array<[number, number]> => Array.from({ length: n }, (_, i) => [w + 8 * (i % 3), 48]);
  await writeTinyCamVid(root, { val: size(5, 64), train: size(7, 56) }, 11);
  // The lists not in sorted order: the bank and the fits follow the list order, so merge must restore it.
  for (const split of ['val', 'train']) {
    const list = join(root, `${split}.txt`);
    writeFileSync(list, readFileSync(list, 'utf8').trim().split('\n').reverse().join('\n') + '\n');
  }
});
const common = ['eval', '--dataset', 'camvid', '--root', root, '--split', 'val', '--backbone', 'handcrafted', '--generator', 'kmeans', '--quiet'];

describe('eval --shard for k-NN (Table 3) and CLIP (Table 4): partials merged into the one-process table and metrics', () => {
  it('k-NN: shards digest their parts of both splits; merge builds the bank once and gives the K=1 and K=5 reports', () => {
    const one = join(tempDir(), 'one');
    const r = acseg([...common, '--classifier', 'knn', '--out', one], undefined, clean);
    expect(r.status, r.stderr).toBe(0);

    const out = join(tempDir(), 'knn');
    const s0 = acseg([...common, '--classifier', 'knn', '--out', out, '--shard', '0/3'], undefined, clean);
    expect(s0.status, s0.stderr).toBe(0);
    expect(s0.stdout).toContain('shard 0/3 (--shard 0/3): 1 of 5 images and 2 of 7 train images: 1 prepared, 0 skipped');
    for (const i of ['1', '2']) {
      const s = acseg([...common, '--classifier', 'knn', '--out', out], undefined, { ...clean, JOB_COMPLETION_INDEX: i, ACSEG_NUM_SHARDS: '3' });
      expect(s.status, s.stderr).toBe(0);
    }
    expect(acseg([...common, '--classifier', 'knn', '--out', out, '--shard', '2/3'], undefined, clean).stdout).toContain('already prepared');

    const m = acseg(['merge', out]);
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toContain('merged from 3 shards');
    expect(readFileSync(join(out, 'table.md'), 'utf8')).toBe(readFileSync(join(one, 'table.md'), 'utf8'));
    for (const run of ['run-1', 'run-2']) {
      expect(numbers(join(out, run, 'metrics.json'))).toEqual(numbers(join(one, run, 'metrics.json')));
      const c = JSON.parse(readFileSync(join(out, run, 'metrics.json'), 'utf8')) as { confusion: number[][]; mIoU: { mean: number } };
      expect(c.mIoU.mean).toBeCloseTo(miouFromConfusion(c.confusion), 6);
    }
    expect((JSON.parse(readFileSync(join(out, 'run-2', 'metrics.json'), 'utf8')) as { protocol: string }).protocol).toBe('k-NN retrieval (K=5)');

    // A part of another split's evaluation among them: refused, naming both parts and both lists.
    const other = join(tempDir(), 'knn-train');
    const trainArgs = common.map((a) => (a === 'val' ? 'train' : a));
    expect(acseg([...trainArgs, '--classifier', 'knn', '--out', other, '--shard', '1/3'], undefined, clean).status).toBe(0);
    const split = acseg([
      'merge',
      join(out, 'part-0000-of-0003'),
      join(other, 'part-0001-of-0003'),
      join(out, 'part-0002-of-0003'),
      '--out',
      join(tempDir(), 'split'),
    ]);
    expect(split.status).toBe(2);
    expect(firstError(split.stderr)).toBe(
      `acseg: error: ${join(other, 'part-0001-of-0003')} and ${join(out, 'part-0000-of-0003')} are parts of different jobs (image list --dataset camvid --split train (7 images) ≠ --dataset camvid --split val (5 images)); cannot merge them`,
    );

    // A second merge into the same folder would overwrite the evaluation: refused.
    const again = acseg(['merge', out]);
    expect(again.status).toBe(1);
    expect(firstError(again.stderr)).toBe(`acseg: error: ${out} already holds an evaluation (table.md); not overwriting it`);
  }, 300_000);

  it('CLIP: shards label their parts (no fit); merge sums the confusion; mixed protocols and an unfinished part are refused', async () => {
    const clipDir = join(tempDir(), 'clip');
    await writeTinyClip(clipDir);
    const clip = [...common, '--classifier', 'clip', '--set', `clip.model=${clipDir}`, '--set', 'clip.templates=simple'];
    const one = join(tempDir(), 'one');
    const r = acseg([...clip, '--out', one], undefined, clean);
    expect(r.status, r.stderr).toBe(0);

    const out = join(tempDir(), 'clip-shards');
    for (const i of [0, 1]) {
      const s = acseg([...clip, '--out', out], undefined, {
        ...clean,
        SLURM_ARRAY_TASK_ID: String(i + 3),
        SLURM_ARRAY_TASK_MIN: '3',
        SLURM_ARRAY_TASK_MAX: '4',
      });
      expect(s.status, s.stderr).toBe(0);
    }
    const m = acseg(['merge', out]);
    expect(m.status, m.stderr).toBe(0);
    expect(readFileSync(join(out, 'table.md'), 'utf8')).toBe(readFileSync(join(one, 'table.md'), 'utf8'));
    expect(numbers(join(out, 'metrics.json'))).toEqual(numbers(join(one, 'metrics.json')));
    const got = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { matching: string; confusion: number[][]; mIoU: { mean: number } };
    expect(got.matching).toBe('none');
    expect(got.mIoU.mean).toBeCloseTo(miouFromConfusion(got.confusion), 6);

    // Shard 0 of a CLIP evaluation with shard 1 of a k-means one: one line naming both parts, nothing written.
    const km = join(tempDir(), 'km');
    expect(acseg([...common, '--seeds', '2', '--out', km, '--shard', '1/2'], undefined, clean).status).toBe(0);
    const mixedOut = join(tempDir(), 'mixed');
    const mixed = acseg(['merge', join(out, 'part-0000-of-0002'), join(km, 'part-0001-of-0002'), '--out', mixedOut]);
    expect(mixed.status).toBe(2);
    expect(firstError(mixed.stderr)).toMatch(
      new RegExp(
        `^acseg: error: ${join(km, 'part-0001-of-0002')} and ${join(out, 'part-0000-of-0002')} are parts of different jobs \\(classifier "kmeans" ≠ "clip"\\); cannot merge them$`,
      ),
    );

    // A part whose prepared file is cut short: unfinished, nothing merged.
    const file = join(out, 'part-0001-of-0002', 'prepared.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').split('\n').slice(0, 2).join('\n'));
    const cutOut = join(tempDir(), 'cut');
    const cut = acseg(['merge', out, '--out', cutOut]);
    expect(cut.status).toBe(2);
    expect(firstError(cut.stderr)).toBe(
      `acseg: error: ${join(out, 'part-0001-of-0002')}: shard 1/2 is unfinished (${file}: cut short (fewer lines than it announces)); nothing merged`,
    );
    expect(() => readFileSync(join(cutOut, 'table.md'))).toThrow();
  }, 300_000);
});
