/**
 * Training speed of the ONNX gradient engine (src/training/onnx/train-graph.ts + trainer.ts) against TF.js.
 *   npx tsx bench/train-onnx.ts [--steps 3] [--warmup 3] [--no-tf]
 * Batch 32, d = 384, n = 196, k = 5, N = 6, 6 heads, FFN 1536, random clustered features (as bench/speed.ts).
 * Rows: ONNX gradients alone and ONNX gradients + the JS AdamW of `TfAcg.applyGradients` (a full step, the
 * weights read from TfAcg's SharedArrayBuffer master copy) on 1 and 2 onnxruntime threads; TF.js `TfAcg.step`
 * in this thread. Each row: mean of `--steps` timed steps after `--warmup` untimed ones (onnxruntime's first
 * runs are slower: ≈ 285, 220, 185, then 155–170 ms with 2 threads, while its arena and pages settle).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { silentLogger } from '@acseg/core';
import { makeConfig } from '../src/model/config.js';
import { initParams } from '../src/model/init.js';
import { OnnxGradients } from '../src/training/onnx/trainer.js';
import { ensureBackend, TfAcg } from '../src/tf/runtime.js';
import { randomFeatures, table } from './common.js';

const { values: args } = parseArgs({
  options: { steps: { type: 'string', default: '3' }, warmup: { type: 'string', default: '3' }, 'no-tf': { type: 'boolean', default: false } },
});
const steps = Number(args.steps);
const warmup = Number(args.warmup);
const backend = await ensureBackend(silentLogger);
const cfg = makeConfig(384);
const batch = randomFeatures(32, 7).map((f) => f.tokens);
const n = 196;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
console.log(`${new Date().toISOString()}  load average before: ${load()}`);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rows: Array<Record<string, string>> = [];
const row = (engine: string, what: string, ms: number, detail = '') => {
  rows.push({
    engine,
    measured: what,
    'ms/step (batch 32)': ms.toFixed(0),
    '2500 steps': `${((2500 * ms) / 60000).toFixed(1)} min`,
    'goal ≤ 10 min': (2500 * ms) / 60000 <= 10 ? 'met' : 'missed',
    detail,
  });
};

for (const threads of [1, 2]) {
  const model = new TfAcg(cfg, initParams(cfg, 0));
  model.setOptimizer({ lr: 1e-4, weightDecay: 0.01 });
  const master = new Map(model.layout.entries.map((e) => [e.name, new Float32Array(model.master, e.offset * 4, e.length)]));
  const grads = new Map(model.layout.entries.map((e) => [e.name, new Float32Array(e.length)]));
  const t0 = performance.now();
  const engine = await OnnxGradients.create(cfg, { threads });
  const createMs = performance.now() - t0;
  const gradTimes: number[] = [];
  const stepTimes: number[] = [];
  const adamTimes: number[] = [];
  const phases = { copyIn: [] as number[], run: [] as number[], copyOut: [] as number[] };
  let loss = NaN;
  for (let s = 0; s < warmup + steps; s++) {
    const t = performance.now();
    const r = await engine.gradients(batch, n, master, grads);
    const tg = performance.now();
    if (!r.finite) throw new Error('non-finite gradients');
    model.applyGradients(grads);
    const ta = performance.now();
    loss = r.loss;
    if (s < warmup) continue;
    gradTimes.push(tg - t);
    adamTimes.push(ta - tg);
    stepTimes.push(ta - t);
    for (const k of ['copyIn', 'run', 'copyOut'] as const) phases[k].push(engine.timings[k]);
  }
  const detail = `session.run ${mean(phases.run).toFixed(0)} ms, copies in ${mean(phases.copyIn).toFixed(1)} / out ${mean(phases.copyOut).toFixed(1)} ms; graph + session ${createMs.toFixed(0)} ms; last loss ${loss.toFixed(5)}`;
  row(`ONNX, ${threads} thread${threads > 1 ? 's' : ''}`, 'gradients', mean(gradTimes), detail);
  row(`ONNX, ${threads} thread${threads > 1 ? 's' : ''}`, 'gradients + JS AdamW', mean(stepTimes), `AdamW ${mean(adamTimes).toFixed(0)} ms`);
  await engine.dispose();
  model.dispose();
}

if (!args['no-tf']) {
  const model = new TfAcg(cfg, initParams(cfg, 0));
  model.setOptimizer({ lr: 1e-4, weightDecay: 0.01 });
  for (let s = 0; s < warmup; s++) model.step(batch, n);
  const times: number[] = [];
  for (let s = 0; s < steps; s++) {
    const t = performance.now();
    model.step(batch, n);
    times.push(performance.now() - t);
  }
  model.dispose();
  row(`TF.js (${backend}), 1 thread`, 'TfAcg.step (full step)', mean(times));
}

console.log(`d=384, n=196, k=5, N=6, 6 heads, FFN 1536, batch 32; ${steps} timed steps per row after ${warmup} warm-up steps`);
console.log(table(rows));
console.log(`load average after: ${load()}`);
