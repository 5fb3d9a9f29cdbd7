import { silentLogger } from '@acseg/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { paramSpecs } from './model/config.js';
import { initParams } from './model/init.js';
import { cosineAssignmentReference } from './testing/modularity-reference.js';
import { tinyConfig, tinyFeatures, maxDiff } from './testing/tiny.js';
import { ensureBackend, TfAcg } from './tf/runtime.js';

beforeAll(async () => {
  await ensureBackend(silentLogger);
});

describe('ACG forward pass', () => {
  const cfg = tinyConfig();
  const params = initParams(cfg, 3);
  const feats = tinyFeatures(3);
  const tokens = feats.map((f) => f.tokens);

  it('the re-associated cross-attention equals projecting every pixel (outputs and gradients)', () => {
    const a = new TfAcg(cfg, params, 'reassociated');
    const b = new TfAcg(cfg, params, 'naive');
    expect(maxDiff(a.predict(tokens, 9).assignment, b.predict(tokens, 9).assignment)).toBeLessThan(1e-5);
    const ga = a.gradients(tokens, 9);
    const gb = b.gradients(tokens, 9);
    expect(ga.loss).toBeCloseTo(gb.loss, 6);
    for (const spec of paramSpecs(cfg)) {
      if (spec.name.endsWith('cross_attn.k_proj.bias')) {
        // The key bias adds a constant per softmax row: its true gradient is 0.
        expect(maxDiff(gb.grads[spec.name], new Float32Array(spec.shape[0]))).toBeLessThan(1e-6);
        continue;
      }
      expect(maxDiff(ga.grads[spec.name], gb.grads[spec.name])).toBeLessThan(1e-5);
    }
    a.dispose();
    b.dispose();
  });

  it('S is the cosine similarity of the features and the returned concepts, in [-1, 1]', () => {
    const m = new TfAcg(cfg, params);
    const { assignment, concepts } = m.predict(tokens, 9);
    for (let b = 0; b < 3; b++) {
      const ref = cosineAssignmentReference(tokens[b], concepts.subarray(b * 3 * 8, (b + 1) * 3 * 8), 9, 3, 8);
      expect(maxDiff(assignment.subarray(b * 27, (b + 1) * 27), ref)).toBeLessThan(1e-5);
    }
    m.dispose();
  });

  it('is deterministic in the seed', () => {
    const a = new TfAcg(cfg, initParams(cfg, 11));
    const b = new TfAcg(cfg, initParams(cfg, 11));
    const c = new TfAcg(cfg, initParams(cfg, 12));
    const sa = a.predict(tokens, 9).assignment;
    expect(maxDiff(sa, b.predict(tokens, 9).assignment)).toBe(0);
    expect(maxDiff(sa, c.predict(tokens, 9).assignment)).toBeGreaterThan(1e-3);
    for (const m of [a, b, c]) m.dispose();
  });

  it('gradients through the whole model match central finite differences', () => {
    const m = new TfAcg(cfg, params);
    const { grads } = m.gradients(tokens, 9);
    const names = [
      'prototypes',
      'layers.0.cross_attn.q_proj.weight',
      'layers.0.cross_attn.k_proj.weight',
      'layers.0.cross_attn.v_proj.bias',
      'layers.0.cross_attn.o_proj.weight',
      'layers.1.self_attn.k_proj.weight',
      'layers.1.ffn.fc2.weight',
      'layers.1.norm3.bias',
      'layers.0.norm2.weight',
    ];
    const h = 1e-2;
    let checked = 0;
    for (const name of names) {
      for (const idx of [0, 7]) {
        const v = Float32Array.from(params[name]);
        v[idx] += h;
        m.importParams({ ...params, [name]: v });
        const lp = m.loss(tokens, 9);
        v[idx] -= 2 * h;
        m.importParams({ ...params, [name]: v });
        const lm = m.loss(tokens, 9);
        const fd = (lp - lm) / (2 * h);
        expect(Math.abs(fd - grads[name][idx]), `${name}[${idx}]: fd ${fd}, autodiff ${grads[name][idx]}`).toBeLessThan(2e-5 + 0.02 * Math.abs(fd));
        checked++;
      }
    }
    m.importParams(params);
    expect(checked).toBe(names.length * 2);
    m.dispose();
  });
});
