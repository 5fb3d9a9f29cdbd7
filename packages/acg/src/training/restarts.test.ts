import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrayFeatureSource, silentLogger } from '@acseg/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../checkpoint/checkpoint.js';
import { AcgGenerator } from '../inference/generator.js';
import { modularityLossReference } from '../testing/modularity-reference.js';
import type { AcgRestartsReport } from './restarts.js';
import { maxDiff, tinyFeatures } from '../testing/tiny.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acg-restarts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const feats = tinyFeatures(12, 3);
const source = arrayFeatureSource(feats);
const opts = { k: 3, steps: 2, heads: 2, batchSize: 4, lr: 3e-3, iterations: 6, checkpointEvery: 3 };

/** Held-in loss computed independently: the float64 reference loss of each image's S, averaged. */
async function referenceLoss(g: AcgGenerator): Promise<number> {
  const out = await g.generate(feats);
  return out.reduce((sum, o, i) => sum + modularityLossReference(feats[i].tokens, o.assignment, 9, 8, 3), 0) / feats.length;
}

describe('fit with option restarts', () => {
  it('keeps the run with the lowest held-in loss, bit for bit the single run of that seed', async () => {
    const singles: Array<{ seed: number; loss: number; params: Record<string, Float32Array> }> = [];
    for (const seed of [11, 12, 13]) {
      const g = new AcgGenerator({ ...opts, seed });
      await g.fit(source, { log: silentLogger });
      singles.push({ seed, loss: await referenceLoss(g), params: g.requireModel('x').exportParams() });
      await g.dispose();
    }
    const best = singles.reduce((a, b) => (b.loss < a.loss ? b : a));
    const g = new AcgGenerator({ ...opts, seed: 11, restarts: 3 });
    const report = (await g.fit(source, { checkpointDir: join(dir, 'three') })) as AcgRestartsReport;
    expect(report.restarts.map((r) => r.seed)).toEqual([11, 12, 13]);
    report.restarts.forEach((r, i) => expect(r.heldInLoss).toBeCloseTo(singles[i].loss, 4));
    expect(report.restarts[report.chosen].seed).toBe(best.seed);
    const got = g.requireModel('x').exportParams();
    for (const name of Object.keys(got)) expect(maxDiff(got[name], best.params[name]), name).toBe(0);
    // The winner's checkpoint is promoted to the folder itself, next to a restarts.json that names it.
    const ck = await loadCheckpoint(join(dir, 'three'));
    expect(maxDiff(ck.params.prototypes, best.params.prototypes)).toBe(0);
    const summary = JSON.parse(await readFile(join(dir, 'three', 'restarts.json'), 'utf8')) as { chosen: number; restarts: unknown[] };
    expect(summary.restarts).toHaveLength(3);
    expect(report.restarts[summary.chosen].seed).toBe(best.seed);
  });

  it('resuming an interrupted multi-run finishes the open run and trains the rest, as a straight one', async () => {
    const straight = new AcgGenerator({ ...opts, seed: 21, restarts: 2 });
    const a = (await straight.fit(source, { checkpointDir: join(dir, 'straight') })) as AcgRestartsReport;
    const ac = new AbortController();
    const progress = {
      start: (label: string) => ({
        update: (done: number) => {
          if (label.includes('run 2/2') && done === 2) ac.abort();
        },
        stop() {},
      }),
    };
    const first = (await new AcgGenerator({ ...opts, seed: 21, restarts: 2 }).fit(source, {
      checkpointDir: join(dir, 'resumed'),
      signal: ac.signal,
      progress,
    })) as AcgRestartsReport;
    expect(first.interrupted).toBe(true);
    expect(first.restarts).toHaveLength(1);
    const second = new AcgGenerator({ ...opts, seed: 21, restarts: 2 });
    const b = (await second.fit(source, { checkpointDir: join(dir, 'resumed'), resume: true })) as AcgRestartsReport;
    expect(b.restarts.map((r) => r.heldInLoss)).toEqual(a.restarts.map((r) => r.heldInLoss));
    const pa = straight.requireModel('x').exportParams();
    const pb = second.requireModel('x').exportParams();
    for (const name of Object.keys(pa)) expect(maxDiff(pb[name], pa[name]), name).toBe(0);
  });

  it('refuses a restarts count that is not a positive integer', () => {
    expect(() => new AcgGenerator({ restarts: 0 })).toThrow(/restarts must be a positive integer/);
    expect(() => new AcgGenerator({ restarts: 1.5 })).toThrow(/restarts must be a positive integer/);
  });
});
