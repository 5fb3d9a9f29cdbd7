/**
 * fp32 vs int8 graph forms of the ACG inference, session level (`OnnxAcg.predict`, interleaved repeats), plus the
 * patch-argmax agreement with fp32 on held-out synthetic images.   npx tsx bench/int8x.ts [--reps 5] [--batch 64] [--forms dqmm,dqmm+x8] [--checkpoint dir] [--held 64]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadCheckpoint } from '../src/checkpoint/checkpoint.js';
import { makeConfig } from '../src/model/config.js';
import { initParams } from '../src/model/init.js';
import type { Int8Formulation } from '../src/inference/onnx/int8.js';
import { OnnxAcg } from '../src/inference/onnx/session.js';
import { syntheticImages } from './data/synthetic.js';
import { randomFeatures } from './common.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    batch: { type: 'string', default: '64' },
    forms: { type: 'string', default: 'dqmm,dqmm+x8' },
    checkpoint: { type: 'string' },
    held: { type: 'string', default: '64' },
  },
});
// Seed-0 untrained weights, or a trained checkpoint's (the accuracy lines then describe a trained model).
const ckpt = args.checkpoint ? await loadCheckpoint(args.checkpoint) : undefined;
const cfg = ckpt?.config ?? makeConfig(384);
const params = ckpt?.params ?? initParams(cfg, 0);
const batch = Number(args.batch);
const tokens = randomFeatures(batch, 11).map((f) => f.tokens);
const forms = args.forms.split(',') as Int8Formulation[];
const variants: Array<[string, OnnxAcg]> = [['fp32', await OnnxAcg.create(cfg, params)]];
for (const f of forms) variants.push([`int8 ${f}`, await OnnxAcg.create(cfg, params, { precision: 'int8', int8Form: f })]);

const held = syntheticImages({ count: Number(args.held), seed: 1001 }).map((im) => im.features.tokens);
const ref = (await variants[0][1].predict(held, 196)).assignment;
const k = cfg.k;
for (const [name, s] of variants.slice(1)) {
  const got = (await s.predict(held, 196)).assignment;
  let [agree, counted, clearAgree, clear, md] = [0, 0, 0, 0, 0];
  for (let i = 0; i < ref.length / k; i++) {
    const row = Array.from(ref.subarray(i * k, i * k + k));
    const sorted = [...row].sort((x, y) => y - x);
    const arg = (v: Float32Array) => {
      let b = 0;
      for (let j = 1; j < k; j++) if (v[i * k + j] > v[i * k + b]) b = j;
      return b;
    };
    const same = arg(got) === arg(ref);
    counted++;
    if (same) agree++;
    if (sorted[0] - sorted[1] >= 0.01) {
      clear++;
      if (same) clearAgree++;
    }
    for (let j = 0; j < k; j++) md = Math.max(md, Math.abs(got[i * k + j] - ref[i * k + j]));
  }
  const ds = Float32Array.from(ref, (v, i) => Math.abs(got[i] - v)).sort();
  const pct = (q: number) => ds[Math.min(ds.length - 1, Math.floor(q * ds.length))].toExponential(1);
  console.log(
    `${name}: max |ΔS| ${md.toExponential(2)} (p50 ${pct(0.5)}, p99 ${pct(0.99)}, p99.9 ${pct(0.999)}), argmax = fp32 on ${((100 * agree) / counted).toFixed(2)} % of ${counted}, on ${((100 * clearAgree) / clear).toFixed(2)} % of ${clear} with gap ≥ 0.01`,
  );
}

console.log(
  `start ${new Date().toISOString()} load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
const times = new Map<string, number[]>(variants.map(([n]) => [n, []]));
for (const [, s] of variants) await s.predict(tokens, 196);
for (let r = 0; r < Number(args.reps); r++) {
  for (const [name, s] of variants) {
    const t = performance.now();
    await s.predict(tokens, 196);
    times.get(name)!.push(performance.now() - t);
  }
}
console.log(
  `end ${new Date().toISOString()} load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
for (const [name, v] of times)
  console.log(
    `${name.padEnd(16)} median ${med(v).toFixed(1)} ms/batch ${batch} → ${((batch / med(v)) * 1000).toFixed(0)} images/s (min ${Math.min(...v).toFixed(1)} ms)`,
  );
for (const [, s] of variants) await s.dispose();
