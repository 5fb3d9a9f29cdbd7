import { describe, expect, it } from 'vitest';
import { learningRateAt } from './schedule.js';

describe('learningRateAt', () => {
  it('constant: the paper’s rate at every iteration', () => {
    for (const t of [0, 1, 1249, 2499]) expect(learningRateAt(t, { lr: 1e-4, warmup: 0, schedule: 'constant', iterations: 2500 })).toBe(1e-4);
  });

  it('linear warm-up: lr·(t+1)/warmup, then lr', () => {
    const o = { lr: 2e-4, warmup: 4, schedule: 'constant' as const, iterations: 100 };
    [5e-5, 1e-4, 1.5e-4, 2e-4, 2e-4, 2e-4].forEach((want, i) => expect(learningRateAt([0, 1, 2, 3, 4, 50][i], o)).toBeCloseTo(want, 15));
  });

  it('cosine: lr at 0, lr/2 at the middle, lr·(1+cos(π/4))/2 at a quarter, → 0 at the end', () => {
    const o = { lr: 1e-4, warmup: 0, schedule: 'cosine' as const, iterations: 1000 };
    expect(learningRateAt(0, o)).toBe(1e-4);
    expect(learningRateAt(500, o)).toBeCloseTo(5e-5, 15);
    expect(learningRateAt(250, o)).toBeCloseTo((1e-4 * (1 + Math.SQRT1_2)) / 2, 15);
    expect(learningRateAt(999, o)).toBeLessThan(1e-9);
    expect(learningRateAt(1200, o)).toBe(0);
  });

  it('warm-up and cosine multiply', () => {
    const o = { lr: 1e-4, warmup: 10, schedule: 'cosine' as const, iterations: 100 };
    expect(learningRateAt(4, o)).toBeCloseTo(1e-4 * 0.5 * 0.5 * (1 + Math.cos(Math.PI * 0.04)), 15);
  });
});
