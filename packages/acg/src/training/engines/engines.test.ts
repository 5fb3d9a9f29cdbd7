import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrayFeatureSource, type Logger } from '@acseg/core';
import { describe, expect, it } from 'vitest';
import { AcgGenerator } from '../../inference/generator.js';
import { maxDiff, tinyFeatures } from '../../testing/tiny.js';

function recorder(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const put = (m: string) => lines.push(m);
  return { lines, log: { debug: () => undefined, info: put, warn: put } };
}

describe('training engines', () => {
  const source = arrayFeatureSource(tinyFeatures(8, 4));
  const opts = { k: 3, steps: 2, heads: 2, seed: 3, batchSize: 4, lr: 1e-3, iterations: 4, workers: 1 };

  it('onnx (graph backward) and tfjs (autodiff) train to the same weights, each saying which engine runs', async () => {
    const runs = [];
    for (const trainRuntime of ['onnx', 'tfjs'] as const) {
      const { log, lines } = recorder();
      const g = new AcgGenerator({ ...opts, trainRuntime }, log);
      const report = await g.fit(source, { log });
      expect(report.iterations).toBe(4);
      expect(lines.filter((l) => /^acg: training on /.test(l))).toEqual([expect.stringMatching(trainRuntime === 'onnx' ? /onnxruntime-node/ : /TF\.js/)]);
      runs.push(g.requireModel('test').exportParams());
    }
    const [onnx, tfjs] = runs;
    // AdamW moves each weight by ≤ lr per step whatever the gradient's scale, so engines whose gradients differ
    // by float rounding can differ by at most a few lr on weights whose gradient is ≈ 0 (the self-attention key
    // bias); every other weight agrees far closer.
    let changed = 0;
    for (const [name, w] of Object.entries(onnx)) {
      expect(maxDiff(w, tfjs[name]), name).toBeLessThan(name.includes('self_attn.k_proj.bias') ? 8e-3 : 1e-4);
      if (!name.includes('k_proj.bias')) changed++;
    }
    expect(changed).toBeGreaterThan(20);
  });

  it('onnx without its memory arena (option trainArena: false) trains to the same weights, bit for bit', async () => {
    const weights = async (trainArena: boolean) => {
      const g = new AcgGenerator({ ...opts, trainRuntime: 'onnx', trainArena });
      await g.fit(source);
      return g.requireModel('test').exportParams();
    };
    const [on, off] = [await weights(true), await weights(false)];
    for (const [name, w] of Object.entries(on)) expect(Array.from(off[name]), name).toEqual(Array.from(w));
    expect(new AcgGenerator({}).options.trainArena).toBe(true);
    expect(new AcgGenerator({ trainArena: 'false' }).options.trainArena).toBe(false);
  });

  it('a linear warm-up scales the first steps (Adam moves a weight by ≈ lr·sign(g) on step 1) and resumes exactly', async () => {
    const first = async (warmup: number) => {
      const g = new AcgGenerator({ ...opts, iterations: 1, warmup, weightDecay: 0 });
      await g.initialize(8);
      const before = g.requireModel('test').exportParams().prototypes;
      await g.fit(source);
      const after = g.requireModel('test').exportParams().prototypes;
      return Math.max(...after.map((v, i) => Math.abs(v - before[i])));
    };
    expect(await first(0)).toBeCloseTo(1e-3, 5);
    expect(await first(4)).toBeCloseTo(1e-3 / 4, 5);

    const dir = await mkdtemp(join(tmpdir(), 'acg-warmup-'));
    try {
      const straight = new AcgGenerator({ ...opts, warmup: 3 });
      await straight.fit(source);
      const half = new AcgGenerator({ ...opts, warmup: 3, iterations: 2 });
      await half.fit(source, { checkpointDir: dir });
      const resumed = new AcgGenerator({ ...opts, warmup: 3 });
      await resumed.fit(source, { checkpointDir: dir, resume: true });
      const a = straight.requireModel('test').exportParams();
      const b = resumed.requireModel('test').exportParams();
      for (const name of Object.keys(a)) expect(maxDiff(a[name], b[name]), name).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
