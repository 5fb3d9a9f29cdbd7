import { describe, expect, it } from 'vitest';
import { mapBounded } from './map-bounded.js';

/** Calls that finish in the order given by `delays` (ms), recording how many ran at once when each started. */
function tracked(delays: readonly number[]) {
  let running = 0;
  const atStart: number[] = [];
  const fn = async (x: number, i: number) => {
    atStart.push(++running);
    await new Promise((r) => setTimeout(r, delays[i]));
    running--;
    return x * 10;
  };
  return { fn, atStart };
}

describe('mapBounded', () => {
  it('gives the results in the items’ order, at most limit() running, the limit asked again before each start', async () => {
    const items = [1, 2, 3, 4, 5, 6, 7];
    const { fn, atStart } = tracked([30, 5, 20, 1, 10, 1, 1]);
    let limit = 1;
    const out = mapBounded(items, fn, () => limit);
    limit = 3; // applies from the second start on: the first ran alone
    expect(await out).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(atStart[0]).toBe(1);
    expect(Math.max(...atStart)).toBe(3);
    expect(atStart.length).toBe(7);
  });

  it('runs everything at once under a large limit, and a limit below 1 as 1', async () => {
    const a = tracked([5, 5, 5, 5]);
    await mapBounded([1, 2, 3, 4], a.fn, () => 100);
    expect(a.atStart).toEqual([1, 2, 3, 4]);
    const b = tracked([1, 1, 1]);
    expect(await mapBounded([1, 2, 3], b.fn, () => 0)).toEqual([10, 20, 30]);
    expect(b.atStart).toEqual([1, 1, 1]);
    expect(await mapBounded([], b.fn, () => 2)).toEqual([]);
  });

  it('rejects with the first failure', async () => {
    const fn = (x: number) => (x === 2 ? Promise.reject(new Error('two')) : Promise.resolve(x));
    await expect(mapBounded([1, 2, 3], fn, () => 1)).rejects.toThrow('two');
  });
});
