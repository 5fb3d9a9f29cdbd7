/**
 * Speed of the ACG on this machine (issue 4 item 4).
 *   npx tsx bench/speed.ts [--steps 3] [--images 128] [--no-train]
 * (a) training ms/step at batch 32 (d=384, n=196, k=5, N=6, 6 heads), whole steps (gradients + AdamW) as `fit`
 *     runs them: the ONNX engine (graph backward on onnxruntime-node, AdamW on 2 threads), TF.js with the
 *     re-associated cross-attention on 1 and 2 worker threads, the naive form on 1; projected time of 2500 steps;
 * (b) inference images/s with features given: the ACG's `generate` on TF.js and on onnxruntime-node (runtime
 *     'tfjs' / 'onnx', same weights, graph built in-package by src/inference/onnx/build.ts), the onnx runtime with
 *     `precision: 'int8'` (the default int8 graph: weight products and the products with the features quantized) and
 *     the earlier int8 graph (weight products only, int8Form 'dqmm'), vs the clustering baselines; the int8 rows give
 *     the patch-argmax agreement with the fp32 onnx row on held-out synthetic images (bench/data/synthetic.ts). The three
 *     onnx rows are timed in `--reps` interleaved repeats (median; min–max in the second table), through `generate`
 *     and at session level (`OnnxAcg.predict` at batch 64, the default inferenceBatch).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { silentLogger, type ConceptGenerator } from '@acseg/core';
import { AffinityPropagationGenerator, AgglomerativeGenerator, KMeansGenerator, SpectralGenerator } from '@acseg/generator-clustering';
import { makeConfig } from '../src/model/config.js';
import { AcgGenerator } from '../src/inference/generator.js';
import { initParams } from '../src/model/init.js';
import { ACG_DEFAULTS } from '../src/options.js';
import { syntheticImages } from './data/synthetic.js';
import { INT8_DEFAULT_FORM } from '../src/inference/onnx/build.js';
import type { Int8Formulation } from '../src/inference/onnx/int8.js';
import { OnnxAcg } from '../src/inference/onnx/session.js';
import { startTrainingEngine } from '../src/training/engines/choose.js';
import { ensureBackend, TfAcg, type Formulation } from '../src/tf/runtime.js';
import { randomFeatures, table } from './common.js';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '3' },
    images: { type: 'string', default: '128' },
    reps: { type: 'string', default: '3' },
    'no-train': { type: 'boolean', default: false },
  },
});
const steps = Number(args.steps);
const backend = await ensureBackend({ ...silentLogger, info: (m) => console.log(m) });

const cfg = makeConfig(384);
const batch = randomFeatures(32, 7).map((f) => f.tokens);
// Forward multiply-adds per image (method notes §2): ≈ 98 M re-associated; the naive form adds 2·n·d² per step for K and V.
const fwdMacs: Record<Formulation, number> = { reassociated: 98e6, naive: 98e6 + 6 * 2 * 196 * 384 * 384 };

const trainRows: Array<Record<string, string | number>> = [];
const cases: Array<['onnx' | 'tfjs', Formulation, number]> = [
  ['onnx', 'reassociated', 0],
  ['tfjs', 'reassociated', 1],
  ['tfjs', 'reassociated', 2],
  ['tfjs', 'naive', 1],
];
for (const [engine, formulation, workers] of args['no-train'] ? [] : cases) {
  const m = new TfAcg(cfg, initParams(cfg, 0), formulation);
  m.setOptimizer({ lr: 1e-4, weightDecay: 0.01 });
  const stepper = await startTrainingEngine(m, { ...ACG_DEFAULTS, trainRuntime: engine, workers: Math.max(1, workers) }, silentLogger);
  const step = () => stepper.step(batch, 196);
  // Warm-up: onnxruntime's first runs are slower while its arena settles (≈ 285, 220, 185 ms, then steady).
  for (let w = 0; w < (engine === 'onnx' ? 3 : 1); w++) await step();
  const times: number[] = [];
  for (let s = 0; s < (formulation === 'naive' ? Math.min(2, steps) : engine === 'onnx' ? 3 * steps : steps); s++) {
    const t = performance.now();
    await step();
    times.push(performance.now() - t);
  }
  await stepper.close();
  m.dispose();
  const ms = times.reduce((a, b) => a + b, 0) / times.length;
  const gflops = (3 * 2 * fwdMacs[formulation] * 32) / (ms / 1000) / 1e9;
  trainRows.push({
    engine: engine === 'onnx' ? 'ONNX graph backward (onnxruntime-node 2 threads)' : 'TF.js autodiff (WASM)',
    formulation,
    'TF.js workers': engine === 'onnx' ? '-' : workers,
    'ms/step (batch 32)': ms.toFixed(0),
    '2500 steps': `${((2500 * ms) / 60000).toFixed(1)} min`,
    'GFLOP/s (≈3× fwd)': gflops.toFixed(1),
    'goal ≤ 10 min': (2500 * ms) / 60000 <= 10 ? 'met' : 'missed',
  });
}

const feats = randomFeatures(Number(args.images), 11);
const say = { ...silentLogger, info: (m: string) => console.log(m) };
const acgTf = new AcgGenerator({ runtime: 'tfjs' }, say);
const acgOnnx = new AcgGenerator({ runtime: 'onnx' }, say);
const acgInt8 = new AcgGenerator({ runtime: 'onnx', precision: 'int8' }, say);
const acgInt8Old = new AcgGenerator({ runtime: 'onnx', precision: 'int8' }, say);
await acgTf.initialize(384);
await acgOnnx.initialize(384); // same seed: same weights
await acgInt8.initialize(384);
await acgInt8Old.initialize(384);
// `generate` has no int8Form option (benchmarks only): the old graph is picked by wrapping the session factory
// while acgInt8Old builds its session (on its first generate).
let nextInt8Form: Int8Formulation | undefined;
const createSession = OnnxAcg.create.bind(OnnxAcg);
OnnxAcg.create = (c, p, o = {}) => createSession(c, p, { ...o, int8Form: o.int8Form ?? nextInt8Form });
const probe = feats.slice(0, 4);
nextInt8Form = 'dqmm';
await acgInt8Old.generate(probe);
nextInt8Form = undefined;
const [refS, onnxS] = [await acgTf.generate(probe), await acgOnnx.generate(probe)];
let diff = 0;
refS.forEach((r, b) =>
  r.assignment.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(v - onnxS[b].assignment[i]));
  }),
);
// Patch argmax (the region label before any post-processing) of int8 against fp32 on held-out synthetic images.
const heldOut = syntheticImages({ count: 64, seed: 1001 }).map((im) => im.features);
const s32 = await acgOnnx.generate(heldOut);
/** Max |ΔS| and patch-argmax agreement of an int8 generator with fp32 on the held-out images. */
async function versusFp32(g: AcgGenerator): Promise<string> {
  const s8 = await g.generate(heldOut);
  let agree = 0;
  let patches = 0;
  let int8Diff = 0;
  s32.forEach((r, b) => {
    const q = s8[b].assignment;
    for (let i = 0; i < r.assignment.length / r.k; i++, patches++) {
      let [ia, ib] = [0, 0];
      for (let j = 1; j < r.k; j++) {
        if (r.assignment[i * r.k + j] > r.assignment[i * r.k + ia]) ia = j;
        if (q[i * r.k + j] > q[i * r.k + ib]) ib = j;
      }
      if (ia === ib) agree++;
      for (let j = 0; j < r.k; j++) int8Diff = Math.max(int8Diff, Math.abs(q[i * r.k + j] - r.assignment[i * r.k + j]));
    }
  });
  return `max |ΔS| vs fp32 ${int8Diff.toExponential(1)}, patch argmax = fp32 on ${((100 * agree) / patches).toFixed(1)} % of ${patches}`;
}
const onnxRows: Array<[string, AcgGenerator]> = [
  [`ACG (ONNX in-package, onnxruntime-node; max |ΔS| vs TF.js ${diff.toExponential(1)})`, acgOnnx],
  [`ACG (ONNX int8 weight products only, old; ${await versusFp32(acgInt8Old)})`, acgInt8Old],
  [`ACG (ONNX int8 ${INT8_DEFAULT_FORM}, weight and feature products; ${await versusFp32(acgInt8)})`, acgInt8],
];
// The onnx rows, interleaved: through generate, then at session level (batch 64, same weights and features).
const reps = Number(args.reps);
const uptimeBefore = loadavg();
const viaGenerate = onnxRows.map(() => [] as number[]);
for (const [, g] of onnxRows) await g.generate(feats.slice(0, 2));
for (let r = 0; r < reps; r++) {
  for (const [i, [, g]] of onnxRows.entries()) {
    const t = performance.now();
    await g.generate(feats);
    viaGenerate[i].push(feats.length / ((performance.now() - t) / 1000));
  }
}
const weights = initParams(cfg, 0);
const sessions = [
  await OnnxAcg.create(cfg, weights),
  await OnnxAcg.create(cfg, weights, { precision: 'int8', int8Form: 'dqmm' }),
  await OnnxAcg.create(cfg, weights, { precision: 'int8' }),
];
const chunks = Array.from({ length: Math.ceil(feats.length / 64) }, (_, c) => feats.slice(64 * c, 64 * c + 64).map((f) => f.tokens));
const viaSession = sessions.map(() => [] as number[]);
for (const s of sessions) await s.predict(chunks[0], 196);
for (let r = 0; r < reps; r++) {
  for (const [i, s] of sessions.entries()) {
    const t = performance.now();
    for (const c of chunks) await s.predict(c, 196);
    viaSession[i].push(feats.length / ((performance.now() - t) / 1000));
  }
}
for (const s of sessions) await s.dispose();
const uptimeAfter = loadavg();
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const gens: Array<[string, ConceptGenerator, number]> = [
  ['ACG (TF.js)', acgTf, feats.length],
  ...onnxRows.map(([name, g]): [string, ConceptGenerator, number] => [name, g, feats.length]),
  ['k-means k=5', new KMeansGenerator({ k: 5 }), 16],
  ['spectral k=5', new SpectralGenerator({ k: 5 }), 16],
  ['affinity propagation', new AffinityPropagationGenerator({}), 16],
  ['agglomerative k=5', new AgglomerativeGenerator({ k: 5 }), 16],
];
const inferRows: Array<Record<string, string | number>> = [];
let acgRate = 0;
for (const [name, g, count] of gens) {
  const set = feats.slice(0, count);
  const onnxRow = onnxRows.findIndex(([, og]) => og === g);
  let rate: number;
  if (onnxRow >= 0) rate = median(viaGenerate[onnxRow]);
  else {
    await g.generate(set.slice(0, 2)); // warm-up
    const t = performance.now();
    await g.generate(set);
    rate = count / ((performance.now() - t) / 1000);
  }
  if (name.startsWith('ACG')) acgRate = Math.max(acgRate, rate);
  inferRows.push({ generator: name, images: count, 'images/s': rate.toFixed(1), 'ACG speed-up': '' });
}
for (const r of inferRows) r['ACG speed-up'] = `${(acgRate / Number(r['images/s'])).toFixed(1)}×`;

console.log(
  `${new Date().toISOString()}, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}; TF.js backend: ${backend}; d=384, n=196 (14×14), k=5, N=6, 6 heads, FFN 1536`,
);
if (trainRows.length) {
  console.log('\n(a) training');
  console.log(table(trainRows));
}
console.log('\n(b) inference, features given (goal ≥ 1000 images/s for the ACG; speed-up = fastest ACG row ÷ row)');
console.log(table(inferRows));
const fmt = (v: number[]) => `${median(v).toFixed(1)} (${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)})`;
console.log(
  `\nonnx rows, ${reps} interleaved repeats of ${feats.length} images (images/s, median (min–max)); load average ${uptimeBefore.map((x) => x.toFixed(2)).join(' ')} before, ${uptimeAfter.map((x) => x.toFixed(2)).join(' ')} after`,
);
console.log(
  table(
    ['fp32', 'int8 weight products (old, dqmm)', `int8 ${INT8_DEFAULT_FORM} (default)`].map((name, i) => ({
      graph: name,
      generate: fmt(viaGenerate[i]),
      'session (predict, batch 64)': fmt(viaSession[i]),
      'generate ÷ fp32': (median(viaGenerate[i]) / median(viaGenerate[0])).toFixed(2),
      'session ÷ fp32': (median(viaSession[i]) / median(viaSession[0])).toFixed(2),
    })),
  ),
);
