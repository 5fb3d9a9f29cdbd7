import { beforeAll, describe, expect, it } from 'vitest';
import { runProduct } from '../../testing/int8-graph.js';
import { INT8_FORMULATIONS, type Int8Levels } from './int8.js';
import { int8Levels } from './int8-levels.js';

let levels: Int8Levels = 127;
beforeAll(async () => {
  levels = await int8Levels();
});

describe('int8Levels', () => {
  it.each(INT8_FORMULATIONS)('with the levels chosen here, the worst case of a product (uint8 255 against ±levels, K = 96) is exact (%s)', async (form) => {
    // Every a is 1 (uint8 255 at scale 1/255) and w ±1 in runs, so the int8 weights are ±levels and each pair of
    // u8·s8 products is 2·255·levels: an int16 that saturates would hold 32 767 at most.
    const [m, k, n] = [3, 96, 4];
    const a = new Float32Array(m * k).fill(1);
    const w = Float32Array.from({ length: k * n }, (_, i) => (Math.floor(i / n) % 8 < 7 || i % n === 0 ? 1 : -1));
    const got = await runProduct(form, a, w, 1, m, k, n, undefined, levels);
    for (let j = 0; j < n; j++) {
      let exact = 0;
      for (let t = 0; t < k; t++) exact += w[t * n + j];
      for (let i = 0; i < m; i++) expect(Math.abs(got[i * n + j] - exact), `row ${i} column ${j} with levels ${levels}`).toBeLessThan(1e-3 * k);
    }
  });
});
