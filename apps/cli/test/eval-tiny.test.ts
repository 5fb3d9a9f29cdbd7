import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';
import { writeTinyClip } from '../../../packages/classifier-clip/src/testing/tiny-model.js';

afterAll(removeTempDirs);

const vocMini = join(repoRoot, '../shared/datasets/voc-mini');
const tinyDino = join(repoRoot, 'packages/backbone-dino/src/testing/fixtures/tiny-hub');
const common = ['--dataset', 'voc', '--root', vocMini, '--backbone', 'dino', '--model', tinyDino, '--generator', 'kmeans', '--quiet'];

interface Metrics { protocol: string; images: number; classNames: string[]; seeds: unknown[]; mIoU: { mean: number }; confusion: number[][]; perClassIoU: Array<number | null> }

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

describe('acseg eval with tiny random models on voc-mini', () => {
  it('k-NN retrieval (Table 3): K = 1 and K = 5 from the train split, with a report each', () => {
    const out = join(tempDir(), 'knn');
    const r = acseg(['eval', ...common, '--classifier', 'knn', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/K=1/);
    expect(r.stdout).toMatch(/K=5/);
    for (const run of ['run-1', 'run-2']) {
      const m = JSON.parse(readFileSync(join(out, run, 'metrics.json'), 'utf8')) as Metrics;
      expect(m.images).toBe(30);
      expect(m.mIoU.mean).toBeCloseTo(miouFromConfusion(m.confusion), 6);
    }
  });

  it('CLIP (Table 4): classes named by text prompts, no matching', async () => {
    const clipDir = join(tempDir(), 'clip');
    await writeTinyClip(clipDir, join(repoRoot, '../shared/vocab/bpe_simple_vocab_16e6.txt.gz'));
    const out = join(tempDir(), 'clip-eval');
    const r = acseg(['eval', ...common, '--classifier', 'clip', '--set', `clip.model=${clipDir}`, '--set', 'clip.templates=simple', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Metrics & { matching: string };
    expect(m.matching).toBe('none');
    expect(m.classNames[0]).toBe('background');
    expect(m.mIoU.mean).toBeCloseTo(miouFromConfusion(m.confusion), 6);
  });
});
