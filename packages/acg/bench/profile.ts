/**
 * Where one training step's time goes (batch 32, d=384): features upload, W, forward, loss, backward, AdamW,
 * plus TF.js's per-kernel totals for one step.   npx tsx bench/profile.ts
 */
import * as tf from '@tensorflow/tfjs-core';
import { silentLogger } from '@acseg/core';
import { makeConfig } from '../src/model/config.js';
import { initParams } from '../src/model/init.js';
import { ensureBackend, TfAcg } from '../src/tf/runtime.js';
import { AcgParams, batchFeatures, forward } from '../src/tf/model.js';
import { modularityLoss, modularityWeights } from '../src/tf/loss.js';
import { randomFeatures } from './common.js';

await ensureBackend(silentLogger);
const cfg = makeConfig(384);
const tokens = randomFeatures(32, 7).map((f) => f.tokens);
const p = new AcgParams(cfg, initParams(cfg, 0));
const time = (name: string, fn: () => void, reps = 3) => {
  fn();
  const t = performance.now();
  for (let r = 0; r < reps; r++) fn();
  console.log(`${name.padEnd(28)} ${((performance.now() - t) / reps).toFixed(1)} ms`);
};
time('batchFeatures', () => batchFeatures(tokens, 196, 384).dispose());
const f = batchFeatures(tokens, 196, 384);
time('modularityWeights', () => modularityWeights(f).dispose());
const w = modularityWeights(f);
time('forward', () =>
  tf.tidy(() => {
    forward(p, f).assignment.dataSync();
  }),
);
const s = tf.keep(tf.tidy(() => forward(p, f).assignment));
time('loss (JS)', () =>
  tf.tidy(() => {
    modularityLoss(s, w).dataSync();
  }),
);
time('forward+loss+backward', () =>
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => modularityLoss(forward(p, f).assignment, w), [...p.vars.values()]);
    for (const g of Object.values(grads)) g.dataSync();
  }),
);
const m = new TfAcg(cfg, initParams(cfg, 0));
m.setOptimizer({ lr: 1e-4, weightDecay: 0.01 });
time('TfAcg.step (all)', () => m.step(tokens, 196));
const prof = await tf.profile(() =>
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => modularityLoss(forward(p, f).assignment, w), [...p.vars.values()]);
    for (const g of Object.values(grads)) g.dataSync();
  }),
);
const by = new Map<string, { ms: number; n: number }>();
for (const k of prof.kernels) {
  const e = by.get(k.name) ?? { ms: 0, n: 0 };
  e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  e.n++;
  by.set(k.name, e);
}
for (const [k, e] of [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) console.log(`  ${k.padEnd(24)} ${e.ms.toFixed(1)} ms  ×${e.n}`);
