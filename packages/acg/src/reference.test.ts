import { silentLogger } from '@acseg/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceFixture } from './testing/fixtures.js';
import { ensureBackend, TfAcg } from './tf/runtime.js';

// Fixtures from scripts/make-reference-fixture.ts: a random tiny checkpoint and what
// tools/acg-reference/forward.py (stock PyTorch nn.MultiheadAttention / LayerNorm /
// Linear, float64) computes from it. Proves the README's tensor layout and math.

beforeAll(async () => {
  await ensureBackend(silentLogger);
});

describe.each(['relu', 'gelu'])('PyTorch reference (%s FFN)', (name) => {
  it('loads the checkpoint and reproduces S, the concepts, the loss and every gradient to 1e-4', async () => {
    const { ckpt, expected, tokens, n } = await loadReferenceFixture(name);
    const model = new TfAcg(ckpt.config, ckpt.params);
    const pred = model.predict(tokens, n);
    const close = (got: ArrayLike<number>, want: number[], what: string) => {
      expect(got.length, what).toBe(want.length);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      expect(worst, what).toBeLessThan(1e-4);
    };
    close(pred.assignment, expected.assignment, 'S');
    close(pred.concepts, expected.concepts, 'concepts');
    const { loss, grads } = model.gradients(tokens, n);
    expect(Math.abs(loss - expected.loss)).toBeLessThan(1e-5);
    expect(Object.keys(grads).sort()).toEqual(Object.keys(expected.grads).sort());
    for (const [k, g] of Object.entries(expected.grads)) close(grads[k], g, `grad ${k}`);
    model.dispose();
  });
});
