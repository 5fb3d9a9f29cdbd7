import { describe, expect, it } from 'vitest';
import { AdamW } from './adamw.js';
import { AdamWThread } from '../training/threads/adamw-thread.js';

/** The textbook AdamW (Loshchilov & Hutter; torch.optim.AdamW docs), float64, one scalar at a time. */
function reference(p0: number[], grads: number[][], lr: number, wd: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): number[] {
  const p = p0.slice();
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, t) => {
    for (let i = 0; i < p.length; i++) {
      p[i] -= lr * wd * p[i];
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const mHat = m[i] / (1 - b1 ** (t + 1));
      const vHat = v[i] / (1 - b2 ** (t + 1));
      p[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
  });
  return p;
}

describe('AdamW', () => {
  it('matches the textbook update over several steps, including decay and a changing learning rate', () => {
    const p0 = [0.5, -1.25, 3, 0, 1e-3];
    const grads = [
      [0.1, -0.2, 0.3, 0, 5],
      [0.05, 0.4, -0.3, 1e-6, -5],
      [-0.2, 0.1, 0.2, 0, 0.5],
    ];
    const params = new Map([['w', Float32Array.from(p0)]]);
    const opt = new AdamW({ lr: 1e-2, weightDecay: 0.1 });
    for (const g of grads) opt.apply(params, new Map([['w', Float32Array.from(g)]]));
    const want = reference(p0, grads, 1e-2, 0.1);
    const got = params.get('w') as Float32Array;
    for (let i = 0; i < p0.length; i++) expect(got[i]).toBeCloseTo(want[i], 6);
    expect(opt.step).toBe(3);
    // A warm-up changes lr between steps: the same formula with the lr of each step.
    const q = new Map([['w', Float32Array.from(p0)]]);
    const o2 = new AdamW({ lr: 1, weightDecay: 0.01 });
    o2.lr = 1e-3;
    o2.apply(q, new Map([['w', Float32Array.from(grads[0])]]));
    expect((q.get('w') as Float32Array)[2]).toBeCloseTo(reference([3], [[0.3]], 1e-3, 0.01)[0], 6);
  });

  it('a per-parameter lr scale gives that parameter the textbook update at lr·scale (decay included)', () => {
    const params = new Map([
      ['a', Float32Array.from([1, -2])],
      ['b', Float32Array.from([0.5, 3])],
    ]);
    const opt = new AdamW({ lr: 1e-2, weightDecay: 0.1, lrScale: (name) => (name === 'b' ? 0.25 : 1) });
    const grads = [
      [
        [0.3, -0.1],
        [0.2, 0.4],
      ],
      [
        [-0.2, 0.5],
        [0.1, -0.3],
      ],
    ];
    for (const [ga, gb] of grads)
      opt.apply(
        params,
        new Map([
          ['a', Float32Array.from(ga)],
          ['b', Float32Array.from(gb)],
        ]),
      );
    const wantA = reference(
      [1, -2],
      grads.map((g) => g[0]),
      1e-2,
      0.1,
    );
    const wantB = reference(
      [0.5, 3],
      grads.map((g) => g[1]),
      2.5e-3,
      0.1,
    );
    params.get('a')!.forEach((v, i) => expect(v).toBeCloseTo(wantA[i], 6));
    params.get('b')!.forEach((v, i) => expect(v).toBeCloseTo(wantB[i], 6));
  });

  it('the flat update with half of it on a helper thread equals the per-tensor update', async () => {
    const slots = {
      entries: [
        { name: 'a', offset: 0, length: 5 },
        { name: 'b', offset: 5, length: 8 },
      ],
      total: 13,
    };
    const rnd = (seed: number) => Float32Array.from({ length: 13 }, (_, i) => Math.sin(seed * 13 + i * 7.1) * (i + 1) * 0.1);
    const flatP = new Float32Array(new SharedArrayBuffer(13 * 4));
    flatP.set(rnd(1));
    const flatG = new Float32Array(new SharedArrayBuffer(13 * 4));
    const split = new AdamW({ lr: 1e-2, weightDecay: 0.05 }, slots);
    const plain = new AdamW({ lr: 1e-2, weightDecay: 0.05 });
    const p = new Map([
      ['a', rnd(1).slice(0, 5)],
      ['b', rnd(1).slice(5)],
    ]);
    const { m, v } = { m: split.flatM!.buffer as SharedArrayBuffer, v: split.flatV!.buffer as SharedArrayBuffer };
    const thread = await AdamWThread.start({ params: flatP.buffer as SharedArrayBuffer, grads: flatG.buffer as SharedArrayBuffer, m, v });
    let handed = 0;
    try {
      for (let t = 0; t < 3; t++) {
        const g = rnd(t + 10);
        flatG.set(g);
        await split.applyFlat(flatP, flatG, (lo, hi, s) => {
          handed += hi - lo;
          return thread.update(lo, hi, s);
        });
        plain.apply(
          p,
          new Map([
            ['a', g.slice(0, 5)],
            ['b', g.slice(5)],
          ]),
        );
      }
    } finally {
      await thread.close();
    }
    expect(handed).toBe(3 * 7);
    expect(Array.from(flatP)).toEqual([...p.get('a')!, ...p.get('b')!]);
    expect(Array.from(split.m.get('b')!)).toEqual(Array.from(plain.m.get('b')!));
    const state = split.exportState();
    expect(state.step).toBe(3);
    expect(Object.keys(state.m)).toEqual(['a', 'b']);
    // Copies by default (a later step leaves them alone); with views, the optimizer's own moments, the same values.
    expect(state.m.b).not.toBe(split.m.get('b'));
    const views = split.exportState(true);
    expect(views.m.b).toBe(split.m.get('b'));
    expect(views.v.a).toBe(split.v.get('a'));
    expect(Array.from(views.v.b)).toEqual(Array.from(state.v.b));
  });
});
