import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';
import { writeTinyClip } from '../../../packages/classifier-clip/src/testing/tiny-model.js';
import { writeTinyVoc, type TinySplits } from '../../../packages/eval/src/testing/tiny-datasets.js';

afterAll(removeTempDirs);

const voc = join(tempDir(), 'voc');
let splits: TinySplits;
beforeAll(async () => {
  const size = (n: number): Array<[number, number]> => Array.from({ length: n }, () => [64, 48]);
  splits = await writeTinyVoc(voc, { val: size(5), train: size(8) });
});
const tinyDino = join(repoRoot, 'packages/backbone-dino/src/testing/fixtures/tiny-hub');
const common = ['--dataset', 'voc', '--root', voc, '--backbone', 'dino', '--model', tinyDino, '--generator', 'kmeans', '--quiet'];

interface Metrics {
  protocol: string;
  images: number;
  classNames: string[];
  seeds: unknown[];
  mIoU: { mean: number };
  confusion: number[][];
  perClassIoU: Array<number | null>;
}

/** mIoU recomputed from the written confusion matrix (rows = ground truth), independently of the eval package. */
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

describe('acseg eval with tiny random models on a tiny VOC', () => {
  it('k-NN retrieval (Table 3): K = 1 and K = 5 from the train split, with a report each', () => {
    const out = join(tempDir(), 'knn');
    const r = acseg(['eval', ...common, '--classifier', 'knn', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/K=1/);
    expect(r.stdout).toMatch(/K=5/);
    for (const run of ['run-1', 'run-2']) {
      const m = JSON.parse(readFileSync(join(out, run, 'metrics.json'), 'utf8')) as Metrics;
      expect(m.images).toBe(splits.val.length);
      expect(m.mIoU.mean).toBeCloseTo(miouFromConfusion(m.confusion), 6);
    }
    // Both splits' prepared items waited on disk and were removed.
    expect(readdirSync(out).filter((f) => f.startsWith('.acseg'))).toEqual([]);
  });

  it('CLIP (Table 4): classes named by text prompts, no matching', async () => {
    const clipDir = join(tempDir(), 'clip');
    await writeTinyClip(clipDir);
    const out = join(tempDir(), 'clip-eval');
    const r = acseg(['eval', ...common, '--classifier', 'clip', '--set', `clip.model=${clipDir}`, '--set', 'clip.templates=simple', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Metrics & { matching: string };
    expect(m.matching).toBe('none');
    expect(m.classNames[0]).toBe('background');
    expect(m.mIoU.mean).toBeCloseTo(miouFromConfusion(m.confusion), 6);
  });
});
