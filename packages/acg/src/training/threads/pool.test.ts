import { silentLogger } from '@acseg/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initParams } from '../../model/init.js';
import { tinyConfig, tinyFeatures, maxDiff } from '../../testing/tiny.js';
import { GradientPool } from './pool.js';
import { ensureBackend, TfAcg } from '../../tf/runtime.js';

beforeAll(async () => {
  await ensureBackend(silentLogger);
});

describe('data-parallel training on worker threads', () => {
  const cfg = tinyConfig({ k: 4 });
  const tokens = tinyFeatures(5, 9).map((f) => f.tokens); // 5 images: shares of 2 and 3

  it('2-worker gradients equal the 1-thread gradients of the whole batch, and training steps agree', async () => {
    const single = new TfAcg(cfg, initParams(cfg, 4));
    const parallel = new TfAcg(cfg, initParams(cfg, 4));
    const pool = await GradientPool.start(parallel, 2);
    try {
      const ref = single.gradientsTf(tokens, 9);
      const got = await pool.gradients(tokens, 9);
      expect(got.finite).toBe(true);
      expect(got.loss).toBeCloseTo(ref.loss, 6);
      let scale = 0;
      for (const [name, g] of ref.grads) {
        expect(maxDiff(got.grads.get(name) as Float32Array, g), name).toBeLessThan(1e-5);
        scale = Math.max(scale, ...g.map(Math.abs));
      }
      expect(scale).toBeGreaterThan(1e-3); // the comparison is not between zeros
      // Three AdamW steps each way: same weights (the update normalises the gradient, so compare to lr scale).
      single.setOptimizer({ lr: 1e-3, weightDecay: 0.01 });
      parallel.setOptimizer({ lr: 1e-3, weightDecay: 0.01 });
      for (let s = 0; s < 3; s++) {
        const a = single.step(tokens, 9);
        const b = await pool.step(tokens, 9);
        expect(b.loss).toBeCloseTo(a.loss, 6);
      }
      const wa = single.exportParams();
      const wb = parallel.exportParams();
      for (const name of Object.keys(wa)) {
        // A key bias cancels in the softmax: its gradient is rounding noise (≈ 1e-9, equal above to 1e-5), which
        // Adam scales up to ±lr, so the two runs' key biases differ by up to 3·lr.
        const tol = name.endsWith('k_proj.bias') ? 3.5e-3 : 1e-5;
        expect(maxDiff(wa[name], wb[name]), name).toBeLessThan(tol);
      }
    } finally {
      await pool.close();
      single.dispose();
      parallel.dispose();
    }
  }, 60_000);
});
