import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrayFeatureSource, silentLogger } from '@acseg/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../checkpoint/checkpoint.js';
import { WeightAverage } from './ema.js';
import { AcgGenerator } from '../inference/generator.js';
import { parseAcgOptions } from '../options.js';
import { maxDiff, tinyFeatures } from '../testing/tiny.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acg-ema-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('WeightAverage', () => {
  it('applies θ̄ ← βθ̄ + (1 − β)θ from the starting weights (hand-worked)', () => {
    const a = new WeightAverage(0.5, Float32Array.from([0, 2]));
    a.update(Float32Array.from([2, 2]));
    expect(Array.from(a.values)).toEqual([1, 2]);
    a.update(Float32Array.from([4, 0]));
    expect(Array.from(a.values)).toEqual([2.5, 1]);
  });

  it('refuses a decay outside [0, 1) and weights of another size', () => {
    expect(() => new WeightAverage(1, new Float32Array(2))).toThrow(/\[0, 1\)/);
    expect(() => new WeightAverage(0.9, new Float32Array(2)).update(new Float32Array(3))).toThrow(/3 weights/);
    expect(() => parseAcgOptions({ ema: 1 })).toThrow(/ema must be a decay/);
    expect(parseAcgOptions({ ema: '0.999' }).ema).toBe(0.999);
    expect(parseAcgOptions({}).ema).toBe(0);
  });
});

describe('fit with option ema', () => {
  const source = arrayFeatureSource(tinyFeatures(12, 3));
  const opts = { k: 3, steps: 2, heads: 2, seed: 5, batchSize: 4, lr: 3e-3, checkpointEvery: 2 };
  const T = 5;
  const beta = 0.7;

  /** The training weights after every iteration of a plain run (ema off): the trajectory the average follows. */
  async function trajectory(): Promise<Array<Record<string, Float32Array>>> {
    const g = new AcgGenerator({ ...opts, iterations: T });
    await g.initialize(8);
    const out = [g.requireModel('x').exportParams()];
    const progress = {
      start: () => ({
        update: (done: number) => {
          if (done > 0) out.push(g.requireModel('x').exportParams());
        },
        stop() {},
      }),
    };
    await g.fit(source, { progress, log: silentLogger });
    return out;
  }

  it('leaves the average of the training trajectory in place: β^T θ0 + Σ_t (1 − β) β^(T−t) θ_t', async () => {
    const path = await trajectory();
    expect(path).toHaveLength(T + 1);
    const g = new AcgGenerator({ ...opts, iterations: T, ema: beta });
    await g.fit(source, { checkpointDir: join(dir, 'ema') });
    const got = g.requireModel('x').exportParams();
    for (const name of Object.keys(got)) {
      const want = path[0][name].map((v, i) => {
        let acc = beta ** T * v;
        for (let t = 1; t <= T; t++) acc += (1 - beta) * beta ** (T - t) * path[t][name][i];
        return acc;
      });
      expect(maxDiff(got[name], want), name).toBeLessThan(1e-5);
    }
    // The checkpoint's weights are the average; the training weights (last point of the trajectory) ride along.
    const ck = await loadCheckpoint(join(dir, 'ema'), true);
    expect(maxDiff(ck.params.prototypes, got.prototypes)).toBe(0);
    expect(maxDiff(ck.optimizer!.params!.prototypes, path[T].prototypes)).toBe(0);
    expect(maxDiff(got.prototypes, path[T].prototypes)).toBeGreaterThan(1e-4);
  });

  it('resuming continues both the training weights and the average exactly', async () => {
    const straight = new AcgGenerator({ ...opts, iterations: 4, ema: beta });
    await straight.fit(source, { checkpointDir: join(dir, 'straight') });
    await new AcgGenerator({ ...opts, iterations: 2, ema: beta }).fit(source, { checkpointDir: join(dir, 'resumed') });
    await new AcgGenerator({ ...opts, iterations: 4, ema: beta }).fit(source, { checkpointDir: join(dir, 'resumed'), resume: true });
    const a = await loadCheckpoint(join(dir, 'straight'), true);
    const b = await loadCheckpoint(join(dir, 'resumed'), true);
    for (const name of Object.keys(a.params)) {
      expect(maxDiff(b.params[name], a.params[name]), name).toBe(0);
      expect(maxDiff(b.optimizer!.params![name], a.optimizer!.params![name]), name).toBe(0);
    }
  });
});
