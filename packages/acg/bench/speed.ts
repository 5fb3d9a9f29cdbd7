/**
 * Speed of the ACG on this machine (issue 4 item 4).
 *   npx tsx bench/speed.ts [--steps 3] [--images 128] [--no-train]
 * (a) training ms/step at batch 32 (d=384, n=196, k=5, N=6, 6 heads), whole steps (gradients + AdamW) as `fit`
 *     runs them: the ONNX engine (graph backward on onnxruntime-node, AdamW on 2 threads), TF.js with the
 *     re-associated cross-attention on 1 and 2 worker threads, the naive form on 1; projected time of 2500 steps;
 * (b) inference images/s with features given: the ACG's `generate` on TF.js and on onnxruntime-node (runtime
 *     'tfjs' / 'onnx', same weights, graph built in-package by src/onnx/build.ts), the onnx runtime with
 *     `precision: 'int8'` (dynamically quantized weight products), vs the clustering baselines; the int8 row gives
 *     the patch-argmax agreement with the fp32 onnx row on held-out synthetic images (src/synthetic.ts).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { silentLogger, type ConceptGenerator } from '@acseg/core';
import { AffinityPropagationGenerator, AgglomerativeGenerator, KMeansGenerator, SpectralGenerator } from '@acseg/generator-clustering';
import { makeConfig } from '../src/config.js';
import { AcgGenerator } from '../src/generator.js';
import { initParams } from '../src/init.js';
import { ACG_DEFAULTS } from '../src/options.js';
import { syntheticImages } from '../src/synthetic.js';
import { startStepper } from '../src/steppers.js';
import { ensureBackend, TfAcg, type Formulation } from '../src/tf/runtime.js';
import { randomFeatures, table } from './common.js';

const { values: args } = parseArgs({ options: { steps: { type: 'string', default: '3' }, images: { type: 'string', default: '128' }, 'no-train': { type: 'boolean', default: false } } });
const steps = Number(args.steps);
const backend = await ensureBackend({ ...silentLogger, info: (m) => console.log(m) });

const cfg = makeConfig(384);
const batch = randomFeatures(32, 7).map((f) => f.tokens);
// Forward multiply-adds per image (method notes §2): ≈ 98 M re-associated; the naive form adds 2·n·d² per step for K and V.
const fwdMacs: Record<Formulation, number> = { reassociated: 98e6, naive: 98e6 + 6 * 2 * 196 * 384 * 384 };

const trainRows: Array<Record<string, string | number>> = [];
const cases: Array<['onnx' | 'tfjs', Formulation, number]> = [['onnx', 'reassociated', 0], ['tfjs', 'reassociated', 1], ['tfjs', 'reassociated', 2], ['tfjs', 'naive', 1]];
for (const [engine, formulation, workers] of args['no-train'] ? [] : cases) {
  const m = new TfAcg(cfg, initParams(cfg, 0), formulation);
  m.setOptimizer({ lr: 1e-4, weightDecay: 0.01 });
  const stepper = await startStepper(m, { ...ACG_DEFAULTS, trainRuntime: engine, workers: Math.max(1, workers) }, silentLogger);
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
    engine: engine === 'onnx' ? 'ONNX graph backward (onnxruntime-node 2 threads)' : 'TF.js autodiff (WASM)', formulation, 'TF.js workers': engine === 'onnx' ? '-' : workers,
    'ms/step (batch 32)': ms.toFixed(0), '2500 steps': `${(2500 * ms / 60000).toFixed(1)} min`,
    'GFLOP/s (≈3× fwd)': gflops.toFixed(1), 'goal ≤ 10 min': 2500 * ms / 60000 <= 10 ? 'met' : 'missed',
  });
}

const feats = randomFeatures(Number(args.images), 11);
const say = { ...silentLogger, info: (m: string) => console.log(m) };
const acgTf = new AcgGenerator({ runtime: 'tfjs' }, say);
const acgOnnx = new AcgGenerator({ runtime: 'onnx' }, say);
const acgInt8 = new AcgGenerator({ runtime: 'onnx', precision: 'int8' }, say);
await acgTf.initialize(384);
await acgOnnx.initialize(384); // same seed: same weights
await acgInt8.initialize(384);
const probe = feats.slice(0, 4);
const [refS, onnxS] = [await acgTf.generate(probe), await acgOnnx.generate(probe)];
let diff = 0;
refS.forEach((r, b) => r.assignment.forEach((v, i) => { diff = Math.max(diff, Math.abs(v - onnxS[b].assignment[i])); }));
// Patch argmax (the region label before any post-processing) of int8 against fp32 on held-out synthetic images.
const heldOut = syntheticImages({ count: 64, seed: 1001 }).map((im) => im.features);
const [s32, s8] = [await acgOnnx.generate(heldOut), await acgInt8.generate(heldOut)];
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
const gens: Array<[string, ConceptGenerator, number]> = [
  ['ACG (TF.js)', acgTf, feats.length],
  [`ACG (ONNX in-package, onnxruntime-node; max |ΔS| vs TF.js ${diff.toExponential(1)})`, acgOnnx, feats.length],
  [`ACG (ONNX int8 weight products; max |ΔS| vs fp32 ${int8Diff.toExponential(1)}, patch argmax = fp32 on ${(100 * agree / patches).toFixed(1)} % of ${patches})`, acgInt8, feats.length],
  ['k-means k=5', new KMeansGenerator({ k: 5 }), 16],
  ['spectral k=5', new SpectralGenerator({ k: 5 }), 16],
  ['affinity propagation', new AffinityPropagationGenerator({}), 16],
  ['agglomerative k=5', new AgglomerativeGenerator({ k: 5 }), 16],
];
const inferRows: Array<Record<string, string | number>> = [];
let acgRate = 0;
for (const [name, g, count] of gens) {
  const set = feats.slice(0, count);
  await g.generate(set.slice(0, 2)); // warm-up
  const t = performance.now();
  await g.generate(set);
  const rate = count / ((performance.now() - t) / 1000);
  if (name.startsWith('ACG')) acgRate = Math.max(acgRate, rate);
  inferRows.push({ generator: name, images: count, 'images/s': rate.toFixed(1), 'ACG speed-up': '' });
}
for (const r of inferRows) r['ACG speed-up'] = `${(acgRate / Number(r['images/s'])).toFixed(1)}×`;

console.log(`${new Date().toISOString()}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; TF.js backend: ${backend}; d=384, n=196 (14×14), k=5, N=6, 6 heads, FFN 1536`);
if (trainRows.length) {
  console.log('\n(a) training');
  console.log(table(trainRows));
}
console.log('\n(b) inference, features given (goal ≥ 1000 images/s for the ACG; speed-up = fastest ACG row ÷ row)');
console.log(table(inferRows));
