/**
 * Fast exploration of ACG training on the synthetic benchmark (small d by default), with held-out AND training-set
 * scores every --every iterations, to separate "does not learn" from "over-fits".
 *   npx tsx bench/explore.ts [--dim 64] [--heads 2] [--iterations 1000] [--batch 32] [--lr 1e-4] [--warmup 0]
 *     [--schedule const|cosine] [--train 512] [--every 200] [--k 5] [--steps 6] [--fresh 0]
 * --engine onnx|tfjs (default onnx: the graph backward on onnxruntime-node).
 * --lr-matrix x: lr of the weight matrices (μP-style), the rest keeps --lr.
 * --fresh N: draw N new training images per iteration instead of a fixed set (infinite data).
 */
import { parseArgs } from 'node:util';
import { assignmentToRegions, silentLogger } from '@acseg/core';
import { KMeansGenerator } from '@acseg/generator-clustering';
import { makeConfig } from '../src/model/config.js';
import { initParams } from '../src/model/init.js';
import { batchIndices } from '../src/training/batches.js';
import { matchedIoU, syntheticImages, type SyntheticImage } from './data/synthetic.js';
import { buildAcgOnnx } from '../src/inference/onnx/build.js';
import { loadOnnxRuntime } from '../src/inference/onnx/session.js';
import { OnnxGradients } from '../src/training/onnx/trainer.js';
import { ensureBackend, TfAcg } from '../src/tf/runtime.js';

const { values: a } = parseArgs({
  options: {
    dim: { type: 'string', default: '64' },
    heads: { type: 'string', default: '2' },
    iterations: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '32' },
    lr: { type: 'string', default: '1e-4' },
    warmup: { type: 'string', default: '0' },
    schedule: { type: 'string', default: 'const' },
    train: { type: 'string', default: '512' },
    every: { type: 'string', default: '200' },
    k: { type: 'string', default: '5' },
    steps: { type: 'string', default: '6' },
    fresh: { type: 'string', default: '0' },
    seed: { type: 'string', default: '0' },
    wd: { type: 'string', default: '0.01' },
    engine: { type: 'string', default: 'onnx' },
    threads: { type: 'string', default: '2' },
    'lr-matrix': { type: 'string' },
    'lr-route': { type: 'string' },
    clip: { type: 'string', default: '0' },
  },
});
const N = (s: string | undefined) => Number(s);
await ensureBackend(silentLogger);
const dim = N(a.dim);
const trainSet = syntheticImages({ count: N(a.train), seed: 1000, dim });
const testSet = syntheticImages({ count: 60, seed: 2000, dim });
const cfg = makeConfig(dim, { heads: N(a.heads), k: N(a.k), steps: N(a.steps) });
const m = new TfAcg(cfg, initParams(cfg, N(a.seed)));
const lr = N(a.lr);
// --lr-matrix: μP-style learning rate for the d × d (and d × 4d) weight matrices; prototypes, biases and LayerNorms keep --lr.
const matrix = /(_proj|fc\d)\.weight$/;
// --lr-route: learning rate of the cross-attention q/k projections (the routing), to test whether routing is what lags.
const route = /cross_attn\.[qk]_proj\./;
const scaled = a['lr-matrix'] !== undefined || a['lr-route'] !== undefined;
m.setOptimizer({
  lr,
  weightDecay: N(a.wd),
  ...(scaled
    ? {
        lrScale: (name: string) =>
          a['lr-route'] && route.test(name) ? N(a['lr-route']) / lr : a['lr-matrix'] && matrix.test(name) ? N(a['lr-matrix']) / lr : 1,
      }
    : {}),
});
const n = 196;
const onnx = a.engine === 'onnx' ? await OnnxGradients.create(cfg, { threads: N(a.threads) }) : undefined;
const gradBuf = new Map(m.layout.entries.map((e) => [e.name, new Float32Array(e.length)]));
async function step(tokens: Float32Array[]): Promise<number> {
  if (!onnx) return m.step(tokens, n).loss;
  const r = await onnx.gradients(tokens, n, m.masterParams(), gradBuf);
  if (!r.finite) return r.loss;
  const clip = N(a.clip);
  if (clip > 0) {
    // --clip: global gradient-norm clipping (DETR's 0.1), before AdamW
    let sq = 0;
    for (const g of gradBuf.values()) for (const x of g) sq += x * x;
    const f = Math.sqrt(sq) > clip ? clip / Math.sqrt(sq) : 1;
    if (f < 1) for (const g of gradBuf.values()) for (let i = 0; i < g.length; i++) g[i] *= f;
  }
  m.applyGradients(gradBuf); // per-tensor AdamW (honours --lr-matrix / --lr-route)
  return r.loss;
}

function score(set: SyntheticImage[]): string {
  const pred = m.predict(
    set.map((s) => s.features.tokens),
    n,
  );
  let mi = 0,
    ce = 0,
    cnt = 0,
    mi5 = 0,
    c5 = 0;
  set.forEach((s, b) => {
    const r = assignmentToRegions({
      assignment: pred.assignment.subarray(b * n * cfg.k, (b + 1) * n * cfg.k),
      k: cfg.k,
      grid: s.features.grid,
      width: 14,
      height: 14,
    });
    const v = matchedIoU(s.labels, s.concepts, r.labels, r.count);
    if (s.concepts === 5) {
      mi5 += v;
      c5++;
    } else {
      mi += v;
      ce += Math.abs(r.count - s.concepts);
      cnt++;
    }
  });
  return `c≠5 ${((100 * mi) / cnt).toFixed(1)}/${(ce / cnt).toFixed(2)} c=5 ${((100 * mi5) / Math.max(c5, 1)).toFixed(1)}`;
}
/**
 * Cross-attention sharpness per layer on 16 held-out images (the inference graph's probe outputs): mean over
 * (image, head, prototype) rows of the largest attention weight, and of the entropy as a fraction of log n
 * (1 = uniform over the patches, 0 = one patch).
 */
async function attentionStats(): Promise<string> {
  const ort = await loadOnnxRuntime();
  if (!ort) return '';
  const session = await ort.InferenceSession.create(buildAcgOnnx(cfg, m.exportParams(), 'reassociated', { probe: true }));
  const probe = testSet.slice(0, 16);
  const x = new Float32Array(probe.length * n * dim);
  probe.forEach((s, b) => x.set(s.features.tokens, b * n * dim));
  const out = await session.run({ features: new ort.Tensor('float32', x, [probe.length, n, dim]) });
  const parts: string[] = [];
  for (let l = 0; l < cfg.steps; l++) {
    const a = out[`probe.cross_attn.${l}`].data as Float32Array;
    let mx = 0,
      ent = 0;
    const rows = a.length / n;
    for (let r = 0; r < rows; r++) {
      let rowMax = 0,
        h = 0;
      for (let j = 0; j < n; j++) {
        const p = a[r * n + j];
        rowMax = Math.max(rowMax, p);
        if (p > 0) h -= p * Math.log(p);
      }
      mx += rowMax;
      ent += h / Math.log(n);
    }
    parts.push(`${(mx / rows).toFixed(2)}/${(ent / rows).toFixed(2)}`);
  }
  await session.release();
  return ` | attn max/entropy by layer ${parts.join(' ')}`;
}
/**
 * Is the generator image-adaptive or a static codebook? slot: mean cosine between concept j of two different
 * held-out images (1 = the same concepts for every image); cover: mean over planted regions of the best cosine
 * between the region's mean feature and any of the image's concepts (1 = every planted concept has its own concept).
 */
function codebook(set: SyntheticImage[]): string {
  const { concepts } = m.predict(
    set.map((s) => s.features.tokens),
    n,
  );
  const d = dim,
    k = cfg.k;
  const unit = (v: Float32Array) => {
    const s = Math.hypot(...v) || 1;
    return v.map((x) => x / s);
  };
  const C = set.map((_, b) => Array.from({ length: k }, (_, j) => unit(concepts.slice((b * k + j) * d, (b * k + j + 1) * d))));
  const dot = (u: Float32Array, v: Float32Array) => {
    let s = 0;
    for (let i = 0; i < d; i++) s += u[i] * v[i];
    return s;
  };
  let slot = 0,
    pairs = 0,
    cover = 0,
    planted = 0;
  for (let a = 0; a < set.length; a++)
    for (let b = a + 1; b < set.length; b++) {
      for (let j = 0; j < k; j++) slot += dot(C[a][j], C[b][j]);
      pairs += k;
    }
  set.forEach((s, b) => {
    for (let c = 0; c < s.concepts; c++) {
      const mean = new Float32Array(d);
      s.labels.forEach((l, i) => {
        if (l === c) for (let t = 0; t < d; t++) mean[t] += s.features.tokens[i * d + t];
      });
      const u = unit(mean);
      cover += Math.max(...C[b].map((cj) => dot(u, cj)));
      planted++;
    }
  });
  return ` | slot ${(slot / pairs).toFixed(2)} cover ${(cover / planted).toFixed(2)}`;
}
const loss = (set: SyntheticImage[]) =>
  m.loss(
    set.slice(0, 32).map((s) => s.features.tokens),
    n,
  );

const km = new KMeansGenerator({ k: 5 });
const kmOut = await km.generate(testSet.map((s) => s.features));
let kmi = 0,
  kc = 0;
testSet.forEach((s, b) => {
  if (s.concepts === 5) return;
  const r = assignmentToRegions({ assignment: kmOut[b].assignment, k: kmOut[b].k, grid: s.features.grid, width: 14, height: 14 });
  kmi += matchedIoU(s.labels, s.concepts, r.labels, r.count);
  kc++;
});
console.log(
  `d=${dim} heads=${a.heads} k=${a.k} N=${a.steps} batch ${a.batch} lr ${lr}${a['lr-matrix'] ? ` (matrices ${a['lr-matrix']})` : ''}${a['lr-route'] ? ` (cross q/k ${a['lr-route']})` : ''}${N(a.clip) ? ` clip ${a.clip}` : ''} warmup ${a.warmup} ${a.schedule} wd ${a.wd} train ${N(a.fresh) ? 'fresh' : a.train}; k-means c≠5 mIoU ${((100 * kmi) / kc).toFixed(1)}`,
);
const T = N(a.iterations);
const t0 = performance.now();
let last = NaN;
for (let it = 0; it <= T; it++) {
  if (it % N(a.every) === 0 || it === T) {
    console.log(
      `it ${it} (${((performance.now() - t0) / 1000).toFixed(0)} s): train loss ${last.toFixed(4)} | held-out loss ${loss(testSet).toFixed(4)} ${score(testSet)} | train-set loss ${loss(trainSet).toFixed(4)} ${score(trainSet.slice(0, 60))}${codebook(testSet)}${await attentionStats()}`,
    );
  }
  if (it === T) break;
  const w = N(a.warmup);
  let f = w > 0 && it < w ? (it + 1) / w : 1;
  if (a.schedule === 'cosine') f *= 0.5 * (1 + Math.cos((Math.PI * it) / T));
  m.setLearningRate(lr * f);
  const batch = N(a.fresh)
    ? syntheticImages({ count: N(a.batch), seed: 100000 + it, dim })
    : batchIndices(0, it, trainSet.length, N(a.batch)).map((i) => trainSet[i]);
  last = await step(batch.map((s) => s.features.tokens));
}
