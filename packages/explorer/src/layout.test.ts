import { describe, expect, it } from 'vitest';
import { patchLayout } from './layout.js';

describe('patchLayout', () => {
  it('puts two planted clusters of patch features apart, the same way for the same seed', () => {
    // 30 patches: 15 near e1, 15 near e2 (small deterministic jitter), d = 3.
    const n = 30;
    const tokens = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const c = i < 15 ? 0 : 1;
      tokens[i * 3 + c] = 1;
      tokens[i * 3 + 2] = Math.sin(i * 1.7) * 0.05;
    }
    const a = patchLayout(tokens, n, 3, { seed: 1, epochs: 100 })!;
    expect(patchLayout(tokens, n, 3, { seed: 1, epochs: 100 })).toEqual(a);
    expect(a.every((v) => v >= 0 && v <= 1)).toBe(true);
    // Every point's nearest other point in 2-D is of its own cluster.
    for (let i = 0; i < n; i++) {
      let best = -1;
      let bestD = Infinity;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const d = (a[i * 2] - a[j * 2]) ** 2 + (a[i * 2 + 1] - a[j * 2 + 1]) ** 2;
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      }
      expect(best < 15).toBe(i < 15);
    }
    expect(patchLayout(tokens, 2, 3, { seed: 1 })).toBeUndefined();
  });
});
