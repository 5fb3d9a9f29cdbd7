import { constants, deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { codeLengths, deflateHuffmanOnly } from './huffman-deflate.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Bytes like a photo's Up-filtered rows: mostly small differences around 0 (as bytes: near 0 and near 255). */
function filteredRows(n: number, seed: number): Uint8Array {
  const r = lcg(seed);
  return Uint8Array.from({ length: n }, () => Math.round((r() - 0.5) * (r() < 0.9 ? 12 : 120)) & 255);
}

/** Each byte value v in 0..k−1 occurring fib(v + 1) times (1, 1, 2, 3, 5, …): the deepest optimal Huffman code. */
function fibonacciBytes(k: number): Uint8Array {
  const out: number[] = [];
  for (let v = 0, a = 1, b = 1; v < k; v++, [a, b] = [b, a + b]) for (let i = 0; i < a; i++) out.push(v);
  return Uint8Array.from(out);
}

/** Cost Σ weight × depth of an optimal (unlimited) Huffman code, by repeatedly merging the two lightest: the sum of the merges. */
function huffmanCost(freq: number[]): number {
  const q = freq.filter((f) => f > 0);
  let cost = 0;
  while (q.length > 1) {
    q.sort((a, b) => a - b);
    const merged = q.shift()! + q.shift()!;
    cost += merged;
    q.push(merged);
  }
  return cost;
}

describe('deflateHuffmanOnly: a zlib stream of literals, Huffman-coded block by block', () => {
  it('zlib inflates it to the same bytes: empty, one byte, one value, all values, multi-block, deep codes, an offset view', () => {
    const uniform = lcg(7);
    const backing = filteredRows(70_001, 3);
    const cases: Record<string, Uint8Array> = {
      empty: new Uint8Array(0),
      'one byte': Uint8Array.of(200),
      'one value': new Uint8Array(5000).fill(17),
      'all values, uniform': Uint8Array.from({ length: 4099 }, () => Math.floor(uniform() * 256)),
      'filtered rows, 3 blocks and a part': filteredRows(3 * 65536 + 1234, 1),
      'fibonacci counts (optimal depth 26)': fibonacciBytes(27),
      'a view at an odd offset': backing.subarray(1, 70_000),
    };
    for (const [name, data] of Object.entries(cases)) {
      const z = deflateHuffmanOnly(data);
      expect(Buffer.from(inflateSync(z)).equals(Buffer.from(data)), name).toBe(true);
    }
  });

  it('about as small as zlib’s own Huffman-only stream (within 1 %) on filtered-row bytes, and much smaller than the input', () => {
    const data = filteredRows(480 * 360 * 3 + 360, 11);
    const ours = deflateHuffmanOnly(data).length;
    const zlib = deflateSync(data, { level: 1, strategy: constants.Z_HUFFMAN_ONLY, memLevel: 9 }).length;
    expect(Math.abs(ours - zlib) / zlib).toBeLessThan(0.01);
    expect(ours).toBeLessThan(data.length * 0.6);
  });

  it('data that does not compress (uniform bytes, ~8 bits each) outgrows the buffer sized for photos and still inflates', () => {
    const r = lcg(9);
    for (const n of [4099, 3 * 65536 + 17]) {
      const data = Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
      const z = deflateHuffmanOnly(data);
      expect(z.length).toBeGreaterThan(0.75 * n + 200);
      expect(Buffer.from(inflateSync(z)).equals(Buffer.from(data))).toBe(true);
    }
  });

  it('the result reuses one buffer: the next call overwrites it (callers copy it first)', () => {
    const a = deflateHuffmanOnly(Uint8Array.of(1, 2, 3));
    const copy = a.slice();
    deflateHuffmanOnly(new Uint8Array(100).fill(9));
    expect(Buffer.from(inflateSync(copy)).equals(Buffer.from([1, 2, 3]))).toBe(true);
    expect(a.buffer).toBe(deflateHuffmanOnly(Uint8Array.of(4)).buffer);
  });
});

describe('codeLengths: length-limited Huffman code lengths', () => {
  const kraft = (lengths: Uint8Array): number => lengths.reduce((s, l) => s + (l ? 2 ** -l : 0), 0);

  it('an optimal code when the limit does not bind (cost = the merge sum of an independent build); complete either way', () => {
    const r = lcg(5);
    const cost = (freq: number[], lengths: Uint8Array): number => freq.reduce((s, f, v) => s + f * lengths[v], 0);
    for (let t = 0; t < 20; t++) {
      const freq = Array.from({ length: 257 }, () => (r() < 0.3 ? 0 : Math.floor(r() * r() * 1000) + 1));
      const free = new Uint8Array(257);
      codeLengths(freq, 30, free);
      expect(cost(freq, free)).toBe(huffmanCost(freq));
      const limited = new Uint8Array(257);
      codeLengths(freq, 15, limited);
      expect(Math.max(...limited)).toBeLessThanOrEqual(15);
      if (Math.max(...free) <= 15) expect(cost(freq, limited)).toBe(cost(freq, free));
      else expect(cost(freq, limited)).toBeGreaterThan(cost(freq, free));
      for (const lengths of [free, limited]) {
        expect(kraft(lengths)).toBe(1);
        freq.forEach((f, v) => expect(lengths[v] > 0).toBe(f > 0));
      }
    }
  });

  it('cut to the limit and still complete when the optimal code is deeper; the rarer symbol never gets the shorter code', () => {
    const fib: number[] = [];
    for (let v = 0, a = 1, b = 1; v < 30; v++, [a, b] = [b, a + b]) fib.push(a);
    for (const limit of [7, 12, 15]) {
      const lengths = new Uint8Array(30);
      codeLengths(fib, limit, lengths);
      expect(huffmanCost(fib)).toBeLessThan(fib.reduce((s, f, v) => s + f * lengths[v], 0));
      expect(Math.max(...lengths)).toBe(limit);
      expect(kraft(lengths)).toBe(1);
      for (let v = 1; v < 30; v++) expect(lengths[v]).toBeLessThanOrEqual(lengths[v - 1]);
    }
  });

  it('one symbol or none: two codes of one bit (a complete code)', () => {
    for (const freq of [
      [0, 0, 5, 0],
      [0, 0, 0, 0],
      [9, 0, 0, 0],
    ]) {
      const lengths = new Uint8Array(4);
      codeLengths(freq, 15, lengths);
      expect(kraft(lengths)).toBe(1);
      expect(lengths.filter((l) => l === 1).length).toBe(2);
      freq.forEach((f, v) => f > 0 && expect(lengths[v]).toBe(1));
    }
  });
});
