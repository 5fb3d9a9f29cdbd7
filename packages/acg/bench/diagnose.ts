/**
 * Training diagnostics on the synthetic benchmark (issue 4 item 6): loss, gradient norms per parameter group,
 * prototype/concept collapse (pairwise cosines) and how far S = cos(X, C) is from 0, over training.
 *   npx tsx bench/diagnose.ts [--iterations 300] [--batch 16] [--lr 1e-4] [--every 25] [--shared 0]
 */
import { parseArgs } from 'node:util';
import { silentLogger } from '@acseg/core';
import { makeConfig } from '../src/model/config.js';
import { initParams } from '../src/model/init.js';
import { batchIndices } from '../src/training/batches.js';
import { syntheticImages } from './data/synthetic.js';
import { ensureBackend, TfAcg } from '../src/tf/runtime.js';

const { values: args } = parseArgs({
  options: {
    iterations: { type: 'string', default: '300' },
    batch: { type: 'string', default: '16' },
    lr: { type: 'string', default: '1e-4' },
    every: { type: 'string', default: '25' },
    shared: { type: 'string', default: '0' },
    train: { type: 'string', default: '512' },
  },
});
await ensureBackend(silentLogger);
const set = syntheticImages({ count: Number(args.train), seed: 1000, shared: Number(args.shared) });
const probe = syntheticImages({ count: 16, seed: 2000, shared: Number(args.shared) });
const cfg = makeConfig(384);
const m = new TfAcg(cfg, initParams(cfg, 0));
m.setOptimizer({ lr: Number(args.lr), weightDecay: 0.01 });
const B = Number(args.batch);
const groups: Array<[string, RegExp]> = [
  ['prototypes', /^prototypes$/],
  ['cross q/k', /cross_attn\.[qk]_proj/],
  ['cross v/o', /cross_attn\.[vo]_proj/],
  ['self', /self_attn/],
  ['ffn', /ffn/],
  ['norm', /norm/],
  ['last norm3', new RegExp(`layers\\.${cfg.steps - 1}\\.norm3`)],
];
function report(it: number, loss: number): void {
  const tokens = probe.map((p) => p.features.tokens);
  const g = m.gradients(tokens, 196).grads;
  const norms = groups.map(([name, re]) => {
    let sq = 0;
    for (const [k, v] of Object.entries(g)) if (re.test(k)) for (const x of v) sq += x * x;
    return `${name} ${Math.sqrt(sq).toExponential(1)}`;
  });
  const pred = m.predict(tokens, 196);
  const k = cfg.k;
  const d = cfg.dim;
  let cosSum = 0;
  let cosMax = 0;
  let pairs = 0;
  let sMax = 0;
  let sPos = 0;
  let used = 0;
  for (let b = 0; b < probe.length; b++) {
    const c = pred.concepts.subarray(b * k * d, (b + 1) * k * d);
    const nrm = Array.from({ length: k }, (_, i) => Math.hypot(...c.subarray(i * d, (i + 1) * d)));
    for (let i = 0; i < k; i++)
      for (let j = i + 1; j < k; j++) {
        let dot = 0;
        for (let t = 0; t < d; t++) dot += c[i * d + t] * c[j * d + t];
        const cs = dot / (nrm[i] * nrm[j]);
        cosSum += cs;
        cosMax = Math.max(cosMax, cs);
        pairs++;
      }
    const s = pred.assignment.subarray(b * 196 * k, (b + 1) * 196 * k);
    const hit = new Set<number>();
    for (let i = 0; i < 196; i++) {
      let best = -Infinity;
      let arg = 0;
      for (let j = 0; j < k; j++)
        if (s[i * k + j] > best) {
          best = s[i * k + j];
          arg = j;
        }
      hit.add(arg);
      sMax += best;
      sPos += best > 0 ? 1 : 0;
    }
    used += hit.size;
  }
  const np = probe.length * 196;
  console.log(
    `it ${it}: loss ${loss.toFixed(4)} | concept cos mean ${(cosSum / pairs).toFixed(3)} max ${cosMax.toFixed(3)} | mean max_c S ${(sMax / np).toFixed(3)}, S>0 ${((100 * sPos) / np).toFixed(0)}% | concepts used ${(used / probe.length).toFixed(2)} (planted ${(probe.reduce((a, p) => a + p.concepts, 0) / probe.length).toFixed(2)}) | ‖g‖ ${norms.join(', ')}`,
  );
}
const every = Number(args.every);
let loss = NaN;
const t0 = performance.now();
for (let it = 0; it < Number(args.iterations); it++) {
  if (it % every === 0) report(it, loss);
  const r = m.step(
    batchIndices(0, it, set.length, B).map((i) => set[i].features.tokens),
    196,
  );
  loss = r.loss;
}
report(Number(args.iterations), loss);
console.log(`${args.iterations} iterations × batch ${B}, lr ${args.lr}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
