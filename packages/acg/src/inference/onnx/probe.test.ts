import { afterAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../../model/config.js';
import { initParams } from '../../model/init.js';
import { Rng } from '../../model/rng.js';
import { buildAcgOnnx } from './build.js';
import { loadOnnxRuntime } from './session.js';

type Session = import('onnxruntime-node').InferenceSession;
const sessions: Session[] = [];
afterAll(async () => {
  for (const s of sessions) await s.release();
});

describe('probe outputs of the inference graph', () => {
  it('layer 0 cross-attention equals softmax over patches of (prototype W_qᵀ + b_q)_h · (x W_kᵀ + b_k)_h / √dh', async () => {
    const ort = await loadOnnxRuntime();
    if (!ort) throw new Error('onnxruntime-node must load here');
    const d = 12,
      h = 3,
      k = 3,
      n = 7,
      dh = d / h;
    const cfg = makeConfig(d, { k, steps: 2, heads: h });
    const params = initParams(cfg, 3);
    const rng = new Rng(9);
    for (const v of Object.values(params)) for (let i = 0; i < v.length; i++) v[i] += 0.3 * rng.normal();
    const session = await ort.InferenceSession.create(buildAcgOnnx(cfg, params, 'reassociated', { probe: true }));
    sessions.push(session);
    expect(session.outputNames).toEqual(['assignment', 'concepts', 'probe.cross_attn.0', 'probe.cross_attn.1']);
    const x = Float32Array.from({ length: 2 * n * d }, () => rng.normal());
    const out = await session.run({ features: new ort.Tensor('float32', x, [2, n, d]) });
    const got = out['probe.cross_attn.0'].data as Float32Array; // [B, h·k, n], rows (head, prototype)
    // Independent: the textbook (naive) attention, key bias included, from PyTorch-layout weights.
    const lin = (w: Float32Array, b: Float32Array, v: ArrayLike<number>) =>
      Array.from({ length: d }, (_, o) => b[o] + Array.from({ length: d }, (_, i) => w[o * d + i] * v[i]).reduce((a, c) => a + c, 0));
    const pre = 'layers.0.cross_attn';
    for (let b = 0; b < 2; b++) {
      const keys = Array.from({ length: n }, (_, j) =>
        lin(params[`${pre}.k_proj.weight`], params[`${pre}.k_proj.bias`], x.subarray((b * n + j) * d, (b * n + j + 1) * d)),
      );
      for (let i = 0; i < k; i++) {
        const q = lin(params[`${pre}.q_proj.weight`], params[`${pre}.q_proj.bias`], params.prototypes.subarray(i * d, (i + 1) * d));
        for (let head = 0; head < h; head++) {
          const logits = keys.map((kv) => {
            let s = 0;
            for (let e = head * dh; e < (head + 1) * dh; e++) s += q[e] * kv[e];
            return s / Math.sqrt(dh);
          });
          const mx = Math.max(...logits);
          const ex = logits.map((l) => Math.exp(l - mx));
          const z = ex.reduce((a, c) => a + c, 0);
          const row = got.subarray((b * h * k + head * k + i) * n, (b * h * k + head * k + i + 1) * n);
          ex.forEach((e, j) => expect(row[j]).toBeCloseTo(e / z, 5));
        }
      }
    }
  });
});
