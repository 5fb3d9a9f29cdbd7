import { silentLogger } from '@acseg/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceFixture } from '../../testing/fixtures.js';
import { makeConfig, paramSpecs, type AcgConfig, type ParamValues } from '../../model/config.js';
import { initParams } from '../../model/init.js';
import { Rng } from '../../model/rng.js';
import { ensureBackend, TfAcg } from '../../tf/runtime.js';
import { tfShape } from './train-graph.js';
import { OnnxGradients } from './trainer.js';

// The independent references: TF.js autodiff (`TfAcg.gradientsTf`, with src/tf/loss.ts's JS pair maximum) and
// the committed PyTorch autograd fixtures (tools/acg-reference/forward.py, float64).

beforeAll(async () => {
  await ensureBackend(silentLogger);
});

const sessions: OnnxGradients[] = [];
afterAll(async () => {
  for (const s of sessions) await s.dispose();
});

async function session(cfg: AcgConfig): Promise<OnnxGradients> {
  const s = await OnnxGradients.create(cfg, { threads: 1 });
  sessions.push(s);
  return s;
}

/** Initial weights with every tensor perturbed (biases and LayerNorms are 0 / 1 at initialisation), as build.test.ts. */
function randomParams(cfg: AcgConfig, seed: number): ParamValues {
  const params = initParams(cfg, seed);
  const rng = new Rng(seed + 100);
  for (const v of Object.values(params)) for (let i = 0; i < v.length; i++) v[i] += 0.2 * rng.normal();
  return params;
}

function randomTokens(rng: Rng, B: number, n: number, d: number): Float32Array[] {
  return Array.from({ length: B }, () => Float32Array.from({ length: n * d }, () => rng.normal()));
}

/** The model's master weights (TF.js layout, views on its SharedArrayBuffer) and plain output buffers. */
function buffers(model: TfAcg): { params: Map<string, Float32Array>; out: Map<string, Float32Array> } {
  return {
    params: new Map(model.layout.entries.map((e) => [e.name, new Float32Array(model.master, e.offset * 4, e.length)])),
    out: new Map(model.layout.entries.map((e) => [e.name, new Float32Array(e.length)])),
  };
}

/** Largest |a − b| relative to max(1e-3, max |b|) of the tensor (so tiny gradients are compared in absolute terms). */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 1e-3;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

function expectSameAsTf(
  got: { loss: number; out: ReadonlyMap<string, Float32Array> },
  want: { loss: number; grads: ReadonlyMap<string, Float32Array> },
  tol = 1e-5,
): void {
  expect(Math.abs(got.loss - want.loss)).toBeLessThan(tol * Math.max(1, Math.abs(want.loss)));
  expect([...got.out.keys()].sort()).toEqual([...want.grads.keys()].sort());
  for (const [name, g] of want.grads) expect(relDiff(got.out.get(name)!, g), name).toBeLessThan(tol);
}

describe.each([
  { ffn: 'relu' as const, heads: 2, dim: 12, B: 3, n: 10 },
  { ffn: 'gelu' as const, heads: 3, dim: 12, B: 2, n: 7 },
  { ffn: 'gelu' as const, heads: 2, dim: 8, B: 3, n: 9 },
])('ONNX training graph ($ffn FFN, $heads heads, d = $dim)', ({ ffn, heads, dim, B, n }) => {
  it("gives TF.js autodiff's loss and every gradient to 1e-5", async () => {
    const cfg = makeConfig(dim, { k: 3, steps: 2, heads, ffn });
    const model = new TfAcg(cfg, randomParams(cfg, heads * 7 + dim));
    const tokens = randomTokens(new Rng(dim + B), B, n, dim);
    const want = model.gradientsTf(tokens, n);
    const { params, out } = buffers(model);
    const onnx = await session(cfg);
    const got = await onnx.gradients(tokens, n, params, out);
    expect(got.finite).toBe(true);
    expectSameAsTf({ loss: got.loss, out }, want);
    // Not vacuous: the loss is negative and every gradient is non-zero except the key biases, which cancel in the
    // softmax (the re-associated cross-attention does not use its key bias at all: exactly zero).
    expect(got.loss).toBeLessThan(-1e-3);
    for (const [name, g] of out) {
      const norm = Math.hypot(...g);
      if (/cross_attn\.k_proj\.bias$/.test(name)) expect(norm, name).toBe(0);
      else if (!/k_proj\.bias$/.test(name)) expect(norm, name).toBeGreaterThan(1e-6);
    }
    // Shared output buffers (as GradientPool's) go through a copy; views on one plain buffer are written in place.
    const layout = model.layout;
    const shared = new Map(layout.entries.map((e) => [e.name, new Float32Array(new SharedArrayBuffer(e.length * 4))]));
    const plain = new ArrayBuffer(layout.total * 4);
    const views = (buf: ArrayBuffer) => new Map(layout.entries.map((e) => [e.name, new Float32Array(buf, e.offset * 4, e.length)]));
    const plainParams = views(new ArrayBuffer(layout.total * 4));
    for (const [name, v] of plainParams) v.set(params.get(name)!);
    for (const [p, o] of [
      [params, shared],
      [plainParams, views(plain)],
    ] as const) {
      const again = await onnx.gradients(tokens, n, p, o);
      expect(again.loss).toBe(got.loss);
      for (const [name, g] of out) expect(o.get(name), name).toEqual(g);
    }
    model.dispose();
  });
});

describe.each(['relu', 'gelu'])('ONNX training graph against the PyTorch reference (%s FFN)', (name) => {
  it("reproduces tools/acg-reference/forward.py's loss to 1e-5 and all gradients to 1e-4", async () => {
    const { ckpt, expected, tokens, n } = await loadReferenceFixture(name);
    const specs = paramSpecs(ckpt.config);
    // Checkpoint (PyTorch [out, in]) → TF.js layout, here by hand rather than through TfAcg.
    const params = new Map(specs.map((s) => [s.name, s.linear ? transpose(ckpt.params[s.name], s.shape[0], s.shape[1]) : ckpt.params[s.name]]));
    const out = new Map(specs.map((s) => [s.name, new Float32Array(ckpt.params[s.name].length)]));
    const onnx = await session(ckpt.config);
    const got = await onnx.gradients(tokens, n, params, out);
    expect(Math.abs(got.loss - expected.loss)).toBeLessThan(1e-5);
    expect(Object.keys(expected.grads).sort()).toEqual(specs.map((s) => s.name).sort());
    for (const s of specs) {
      const g = out.get(s.name)!;
      const [rows, cols] = tfShape(s);
      const want = expected.grads[s.name];
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs((s.linear ? g[(i % rows) * cols + ((i / rows) | 0)] : g[i]) - want[i]));
      expect(worst, s.name).toBeLessThan(1e-4);
    }
  });
});

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const o = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) o[c * rows + r] = a[r * cols + c];
  return o;
}

describe('ONNX training graph, degenerate pair maxima', () => {
  const cfg = makeConfig(8, { k: 3, steps: 2, heads: 2, ffn: 'relu' });

  it('a concept with no positive S anywhere gets no gradient through S, as in TF.js', async () => {
    // Features along one shared direction; seed 27 gives a concept anti-aligned with all of them (premise checked).
    const seed = 27;
    const params = initParams(cfg, seed);
    const rng = new Rng(seed + 100);
    for (const v of Object.values(params)) for (let i = 0; i < v.length; i++) v[i] += 0.2 * rng.normal();
    const n = 8;
    const u = Float32Array.from({ length: 8 }, () => rng.normal());
    const tokens = Array.from({ length: 2 }, () => Float32Array.from({ length: n * 8 }, (_, i) => 2 * u[i % 8] + 0.7 * rng.normal()));
    const model = new TfAcg(cfg, params);
    const s = model.predict(tokens, n).assignment;
    const positives = [0, 1, 2].map((c) => s.filter((v, i) => i % 3 === c && v > 0).length);
    expect(positives.filter((p) => p === 0)).toHaveLength(1);
    expect(Math.max(...positives)).toBeGreaterThan(8);
    const want = model.gradientsTf(tokens, n);
    const { params: p, out } = buffers(model);
    const got = await (await session(cfg)).gradients(tokens, n, p, out);
    expectSameAsTf({ loss: got.loss, out }, want);
    model.dispose();
  });

  it('ties between concepts send the gradient to the first one only, as in TF.js', async () => {
    // Two equal prototypes stay equal through every layer: S columns 0 and 1 tie exactly.
    const params = randomParams(cfg, 5);
    params.prototypes.copyWithin(8, 0, 8);
    const n = 9;
    const tokens = randomTokens(new Rng(77), 2, n, 8);
    const model = new TfAcg(cfg, params);
    const s = model.predict(tokens, n).assignment;
    for (let i = 0; i < s.length; i += 3) expect(s[i + 1]).toBe(s[i]);
    expect(s.filter((v, i) => i % 3 === 0 && v > 0).length).toBeGreaterThan(3);
    const want = model.gradientsTf(tokens, n);
    // Premise: the tie is broken (the two equal prototypes get different gradients).
    const gp = want.grads.get('prototypes')!;
    expect(Math.max(...gp.subarray(0, 8).map((v, i) => Math.abs(v - gp[8 + i])))).toBeGreaterThan(1e-4);
    const { params: p, out } = buffers(model);
    const got = await (await session(cfg)).gradients(tokens, n, p, out);
    expectSameAsTf({ loss: got.loss, out }, want);
    model.dispose();
  });

  it('reports a non-finite loss or gradient', async () => {
    const model = new TfAcg(cfg, randomParams(cfg, 3));
    const tokens = randomTokens(new Rng(3), 2, 9, 8);
    const { params, out } = buffers(model);
    const onnx = await session(cfg);
    expect((await onnx.gradients(tokens, 9, params, out)).finite).toBe(true);
    params.get('layers.1.ffn.fc1.weight')![5] = NaN;
    expect((await onnx.gradients(tokens, 9, params, out)).finite).toBe(false);
    model.dispose();
  });
});
