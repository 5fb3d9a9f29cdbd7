import { describe, expect, it } from 'vitest';
import { mulberry32, Rng, seedMix } from './index.js';

// Expected values from a Python transcription of mulberry32 and the seed mixes (explicit 32-bit masks), not from
// this code: see the package README.
describe('mulberry32', () => {
  it('gives the reference stream for three states', () => {
    const cases: Array<[number, number[]]> = [
      [0, [0.26642920868471265, 0.0003297457005828619, 0.2232720274478197, 0.1462021479383111]],
      [12345, [0.9797282677609473, 0.3067522644996643, 0.484205421525985, 0.817934412509203]],
      [0xdeadbeef, [0.9413696140982211, 0.26719574979506433, 0.772033357527107, 0.35816076025366783]],
    ];
    for (const [state, want] of cases) {
      const next = mulberry32(state);
      expect(want.map(() => next())).toEqual(want);
    }
  });

  it('mixes seeds as the three packages always did', () => {
    expect([0, 1, 7].map(seedMix.fmix)).toEqual([2462723854, 920564995, 1478832577]);
    expect([0, 1, 7].map(seedMix.multiply)).toEqual([1540483477, 3320221732, 139835970]);
    expect([0, 1, 7].map(seedMix.xor)).toEqual([2654435769, 2654435768, 2654435774]);
  });
});

describe('Rng', () => {
  it('draws integers in range, permutations, and normals with mean 0 and variance 1', () => {
    const rng = new Rng(mulberry32(seedMix.fmix(3)));
    const ints = Array.from({ length: 1000 }, () => rng.int(7));
    expect(Math.min(...ints)).toBe(0);
    expect(Math.max(...ints)).toBe(6);
    expect([...rng.permutation(50)].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const xs = Array.from({ length: 40000 }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.02); // 4 standard errors
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    const u = Array.from({ length: 1000 }, () => rng.uniform(-2, 3));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
  });

  it('is deterministic: the same stream gives the same draws', () => {
    const a = new Rng(mulberry32(99));
    const b = new Rng(mulberry32(99));
    expect(Array.from({ length: 20 }, () => a.normal())).toEqual(Array.from({ length: 20 }, () => b.normal()));
  });
});
