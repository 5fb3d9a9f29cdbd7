/**
 * onnxruntime's own profile of one inference graph (batch 64, d=384), time per op type and per node.
 *   npx tsx bench/int8x-profile.ts [--form dqmm+x8] [--fp32] [--runs 3] [--top 12]
 * With NODES=20 also the 20 slowest nodes, with SHAPES=<op type> that op's time per input shapes.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { makeConfig } from '../src/model/config.js';
import { initParams } from '../src/model/init.js';
import { buildAcgOnnx } from '../src/inference/onnx/build.js';
import type { Int8Formulation } from '../src/inference/onnx/int8.js';
import { randomFeatures } from './common.js';

const { values: args } = parseArgs({
  options: {
    form: { type: 'string', default: 'dqmm+x8' },
    fp32: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    top: { type: 'string', default: '12' },
  },
});
const cfg = makeConfig(384);
const bytes = buildAcgOnnx(cfg, initParams(cfg, 0), 'reassociated', args.fp32 ? {} : { precision: 'int8', int8Form: args.form as Int8Formulation });
const s = await ort.InferenceSession.create(bytes, {
  intraOpNumThreads: availableParallelism(),
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  logSeverityLevel: 4,
  enableProfiling: true,
  profileFilePrefix: join(tmpdir(), `acg-prof-${process.pid}`),
});
const tokens = randomFeatures(64, 11).map((f) => f.tokens);
const flat = new Float32Array(64 * 196 * 384);
tokens.forEach((t, b) => flat.set(t, b * 196 * 384));
const feed = { features: new ort.Tensor('float32', flat, [64, 196, 384]) };
await s.run(feed);
const runs = Number(args.runs);
for (let r = 0; r < runs; r++) await s.run(feed);
s.endProfiling();
// onnxruntime-node returns nothing here: the file is <prefix>_<date>.json.
const file = join(
  tmpdir(),
  readdirSync(tmpdir()).find((f) => f.startsWith(`acg-prof-${process.pid}`))!,
);
const events = JSON.parse(readFileSync(file, 'utf8')) as Array<{
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string; input_type_shape?: unknown[] };
}>;
rmSync(file);
const nodes = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
const byOp = new Map<string, { us: number; n: number }>();
for (const e of nodes) {
  const op = e.args?.op_name ?? '?';
  const v = byOp.get(op) ?? { us: 0, n: 0 };
  v.us += e.dur;
  v.n++;
  byOp.set(op, v);
}
const total = [...byOp.values()].reduce((a, b) => a + b.us, 0);
const sess = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').map((e) => e.dur);
console.log(
  `${args.fp32 ? 'fp32' : args.form}: model_run ${(sess.slice(1).reduce((a, b) => a + b, 0) / (sess.length - 1) / 1000).toFixed(1)} ms (runs after the first), kernels ${(total / (runs + 1) / 1000).toFixed(1)} ms/run`,
);
for (const [op, v] of [...byOp].sort((a, b) => b[1].us - a[1].us).slice(0, Number(args.top)))
  console.log(
    `  ${op.padEnd(28)} ${(v.us / (runs + 1) / 1000).toFixed(2).padStart(7)} ms ${((100 * v.us) / total).toFixed(1).padStart(5)} %  ×${v.n / (runs + 1)}`,
  );
const byNode = new Map<string, number>();
for (const e of nodes)
  byNode.set(`${e.args?.op_name} ${e.name.replace('_kernel_time', '')}`, (byNode.get(`${e.args?.op_name} ${e.name.replace('_kernel_time', '')}`) ?? 0) + e.dur);
if (process.env.NODES)
  for (const [n, us] of [...byNode].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.NODES)))
    console.log(`    ${n.padEnd(50)} ${(us / (runs + 1) / 1000).toFixed(2)} ms`);
const byShape = new Map<string, { us: number; n: number }>();
for (const e of nodes) {
  if (process.env.SHAPES && e.args?.op_name === process.env.SHAPES) {
    const key = JSON.stringify(e.args.input_type_shape);
    const v = byShape.get(key) ?? { us: 0, n: 0 };
    v.us += e.dur;
    v.n++;
    byShape.set(key, v);
  }
}
for (const [k, v] of [...byShape].sort((a, b) => b[1].us - a[1].us))
  console.log(`    ${(v.us / (runs + 1) / 1000).toFixed(2).padStart(7)} ms ×${v.n / (runs + 1)} ${k}`);
await s.release();
