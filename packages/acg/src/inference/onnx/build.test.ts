import { arrayFeatureSource, silentLogger, type Logger } from '@acseg/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceFixture } from '../../testing/fixtures.js';
import { makeConfig, type ParamValues } from '../../model/config.js';
import { AcgGenerator } from '../generator.js';
import { initParams } from '../../model/init.js';
import { Rng } from '../../model/rng.js';
import { tinyFeatures } from '../../testing/tiny.js';
import { ensureBackend, TfAcg } from '../../tf/runtime.js';
import { OnnxAcg } from './session.js';

beforeAll(async () => {
  await ensureBackend(silentLogger);
});

/** Initial weights with every tensor perturbed (biases and LayerNorms are 0 / 1 at initialisation). */
function randomParams(cfg: ReturnType<typeof makeConfig>, seed: number): ParamValues {
  const params = initParams(cfg, seed);
  const rng = new Rng(seed + 100);
  for (const v of Object.values(params)) for (let i = 0; i < v.length; i++) v[i] += 0.2 * rng.normal();
  return params;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const opened: OnnxAcg[] = [];
afterAll(async () => {
  for (const s of opened) await s.dispose();
});

describe.each([
  { ffn: 'relu' as const, heads: 2, form: 'reassociated' as const },
  { ffn: 'gelu' as const, heads: 3, form: 'reassociated' as const },
  { ffn: 'relu' as const, heads: 3, form: 'naive' as const },
  { ffn: 'gelu' as const, heads: 2, form: 'naive' as const },
])('ONNX graph ($ffn, $heads heads, $form cross-attention)', ({ ffn, heads, form }) => {
  it('gives the TF.js S and concepts to 1e-5 on random features', async () => {
    const cfg = makeConfig(12, { k: 3, steps: 2, heads, ffn });
    const params = randomParams(cfg, heads * 7 + (ffn === 'gelu' ? 1 : 0));
    const session = await OnnxAcg.create(cfg, params, { form, threads: 1 });
    opened.push(session);
    const tf = new TfAcg(cfg, params, form);
    const rng = new Rng(42);
    const n = 10;
    const tokens = Array.from({ length: 3 }, () => Float32Array.from({ length: n * 12 }, () => rng.normal()));
    const want = tf.predict(tokens, n);
    const got = await session.predict(tokens, n);
    tf.dispose();
    expect(got.assignment.length).toBe(3 * n * 3);
    expect(maxDiff(got.assignment, want.assignment)).toBeLessThan(1e-5);
    expect(maxDiff(got.concepts, want.concepts)).toBeLessThan(1e-5);
    // S is a cosine: |S| ≤ 1, and not trivially constant.
    expect(Math.max(...got.assignment.map(Math.abs))).toBeLessThanOrEqual(1 + 1e-6);
    expect(Math.max(...got.assignment) - Math.min(...got.assignment)).toBeGreaterThan(0.1);
  });
});

describe.each(['relu', 'gelu'])('ONNX graph against the PyTorch reference (%s FFN)', (name) => {
  it("reproduces tools/acg-reference/forward.py's S and concepts to 1e-4", async () => {
    const { ckpt, expected, tokens, n } = await loadReferenceFixture(name);
    const session = await OnnxAcg.create(ckpt.config, ckpt.params, { threads: 1 });
    opened.push(session);
    const got = await session.predict(tokens, n);
    expect(maxDiff(got.assignment, expected.assignment)).toBeLessThan(1e-4);
    expect(maxDiff(got.concepts, expected.concepts)).toBeLessThan(1e-4);
  });
});

function recordingLogger(lines: string[]): Logger {
  const put = (msg: string) => {
    lines.push(msg);
  };
  return { debug: put, info: put, warn: put };
}

describe('AcgGenerator runtime option', () => {
  it('generate() on runtime "onnx" equals runtime "tfjs", logs which runs, and follows the weights after fit', async () => {
    const opts = { k: 3, steps: 2, heads: 3, ffn: 'gelu', seed: 4, iterations: 2, batchSize: 2, workers: 1 };
    const linesOnnx: string[] = [];
    const linesTf: string[] = [];
    const onnxGen = new AcgGenerator({ ...opts, runtime: 'onnx' }, recordingLogger(linesOnnx));
    const tfGen = new AcgGenerator({ ...opts, runtime: 'tfjs' }, recordingLogger(linesTf));
    await onnxGen.initialize(12);
    await tfGen.initialize(12);
    const feats = [...tinyFeatures(3, 7, 12), ...tinyFeatures(2, 8, 12, { h: 2, w: 4 })];
    const compare = async () => {
      const [a, b] = [await onnxGen.generate(feats), await tfGen.generate(feats)];
      expect(a.map((o) => o.id)).toEqual(b.map((o) => o.id));
      for (let i = 0; i < a.length; i++) {
        expect(maxDiff(a[i].assignment, b[i].assignment)).toBeLessThan(1e-5);
        expect(maxDiff(a[i].concepts ?? [], b[i].concepts ?? [NaN])).toBeLessThan(1e-5);
      }
      return a;
    };
    const before = await compare();
    expect(linesOnnx.filter((l) => /inference on/.test(l))).toEqual([expect.stringMatching(/inference on onnxruntime-node/)]);
    expect(linesTf.filter((l) => /inference on/.test(l))).toEqual([expect.stringMatching(/inference on TF\.js/)]);
    // Two training steps change the weights; the ONNX session must be rebuilt from them.
    const source = tinyFeatures(4, 9, 12);
    await onnxGen.fit(arrayFeatureSource(source));
    await tfGen.fit(arrayFeatureSource(source));
    const after = await compare();
    expect(maxDiff(after[0].assignment, before[0].assignment)).toBeGreaterThan(1e-6);
    await onnxGen.dispose();
    await tfGen.dispose();
  });

  it('rejects an unknown runtime', () => {
    expect(() => new AcgGenerator({ runtime: 'cuda' })).toThrow(/runtime must be "tfjs", "onnx" or "auto"/);
  });
});
