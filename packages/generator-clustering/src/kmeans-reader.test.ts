import { describe, expect, it } from 'vitest';
import { AcsegError } from '@acseg/core';
import { kmeans, type KMeansOptions } from './kmeans.js';
import { blocksOf, type RowReader } from './row-reader.js';
import { blobs, gaussian, lcg } from '../test/helpers.js';

/** Float32 rows behind a reader that hands out `blockRows` at a time and records what it was asked for. */
function reader(data: Float32Array, cols: number, blockRows: number): RowReader & { asked: number[] } {
  const asked: number[] = [];
  return {
    rows: data.length / cols,
    cols,
    blockRows,
    asked,
    read(start, count, into) {
      asked.push(count);
      into.set(data.subarray(start * cols, (start + count) * cols));
    },
  };
}

function float32Blobs(k: number, d: number, per: number, seed: number): Float32Array {
  const g = gaussian(lcg(seed));
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => 3 * g()));
  return Float32Array.from(blobs(centres, per, 1, seed + 1).points.flat());
}

function expectSame(a: ReturnType<typeof kmeans>, b: ReturnType<typeof kmeans>): void {
  expect(b.k).toBe(a.k);
  expect(b.iterations).toBe(a.iterations);
  expect(b.inertia).toBe(a.inertia);
  expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
  expect(Array.from(b.centroids)).toEqual(Array.from(a.centroids));
}

describe('kmeans on a RowReader', () => {
  it('gives exactly the result of the same float32 rows in memory, reading a block at a time', () => {
    const d = 24;
    const data = float32Blobs(6, d, 250, 31);
    for (const options of [
      { seed: 4, nInit: 3 },
      { seed: 9, nInit: 1, maxIter: 3 },
      { seed: 1, nInit: 2, distinct: true },
    ] as KMeansOptions[]) {
      const r = reader(data, d, 37);
      const streamed = kmeans(r, 6, options);
      expectSame(kmeans({ rows: data.length / d, cols: d, data }, 6, options), streamed);
      // Never the whole matrix at once: blocks of 37 rows (and single rows for the k-means++ candidates).
      expect(Math.max(...r.asked)).toBe(37);
      expect(r.asked).toContain(1);
    }
  });

  it('moves an emptied cluster to the farthest point the same way (a row read back from the reader)', () => {
    // Three distinct values and k = 4: k-means++ has to repeat a centre, one of the twins ends empty and takes a
    // point of the group it shares (distance 0 for all: the first in order), leaving that group's centre where it was.
    const data = Float32Array.from([0, 0, 0, 0, 5, 5, 5, 5, 9, 9, 9, 9]);
    const options: KMeansOptions = { seed: 0, nInit: 1, method: 'lloyd' };
    const inMemory = kmeans({ rows: 12, cols: 1, data }, 4, options);
    expectSame(inMemory, kmeans(reader(data, 1, 5), 4, options));
    expect(inMemory.inertia).toBe(0);
    expect(Array.from(inMemory.centroids).sort((a, b) => a - b)).toEqual([0, 0, 5, 9]);
  });

  it('takes the Gram method for a small set as for points in memory (the same numbers)', () => {
    const d = 64;
    const data = float32Blobs(3, d, 20, 5);
    expectSame(kmeans({ rows: 60, cols: d, data }, 3, { seed: 2, nInit: 4 }), kmeans(reader(data, d, 7), 3, { seed: 2, nInit: 4 }));
  });

  it('names a value that is not finite', () => {
    const data = float32Blobs(2, 4, 30, 3);
    data[4 * 41 + 2] = Number.NaN;
    const run = () => kmeans(reader(data, 4, 16), 2);
    expect(run).toThrow(AcsegError);
    expect(run).toThrow(/value 166 is not finite/);
  });
});

describe('blocksOf', () => {
  it('reads every sweep of a reader into one buffer (k-means sweeps it hundreds of times); a sweep inside another gets its own', () => {
    const data = Float32Array.from({ length: 40 * 3 }, (_, i) => i);
    const buffers = new Set<ArrayBufferLike>();
    const r: RowReader = {
      rows: 40,
      cols: 3,
      blockRows: 16,
      read(start, count, into) {
        buffers.add(into.buffer);
        into.set(data.subarray(start * 3, (start + count) * 3));
      },
    };
    const sums: number[] = [];
    for (let sweep = 0; sweep < 5; sweep++) {
      let s = 0;
      for (const b of blocksOf(r)) for (let t = 0; t < b.count * 3; t++) s += b.data[t];
      sums.push(s);
    }
    expect(sums).toEqual(Array(5).fill((119 * 120) / 2));
    expect(buffers.size).toBe(1);
    // Nested: the inner sweep must not overwrite the block the outer one is reading.
    const firstRows: number[] = [];
    for (const outer of blocksOf(r)) {
      const before = outer.data[0];
      for (const inner of blocksOf(r)) void inner;
      expect(outer.data[0]).toBe(before);
      firstRows.push(outer.start);
    }
    expect(firstRows).toEqual([0, 16, 32]);
    expect(buffers.size).toBe(2);
  });
});
