import { AcsegError, type RowReader } from '@acseg/core';
import type { Points } from './points.js';

/** What `kmeans` streams over when the points do not fit in memory (core's contract, a block of rows at a time). */
export type { RowReader };

/** Points in memory, or rows read a block at a time. */
export type Matrix = Points | RowReader;

/** Rows [start, start + count) of a matrix: row i at `data[(i - start) * cols]`. */
export interface Block {
  data: Float32Array | Float64Array;
  start: number;
  count: number;
}

/** Bytes a block of a `RowReader` holds; one buffer, reused. */
const BLOCK_BYTES = 4 << 20;

export function inMemory(m: Matrix): m is Points {
  return (m as Points).data !== undefined;
}

/**
 * A reader's block buffer, kept between sweeps: k-means sweeps a reader hundreds of times (k-means++ trials, Lloyd
 * iterations), and a new 4 MiB buffer each time left the process tens of MB larger until the collector caught up.
 */
const spare = new WeakMap<RowReader, Float32Array>();

/**
 * The rows in order: points in memory as one block, a reader's a block at a time into one buffer, reused from sweep to
 * sweep (a sweep inside another gets its own).
 */
export function* blocksOf(m: Matrix): Generator<Block> {
  if (inMemory(m)) {
    yield { data: m.data, start: 0, count: m.rows };
    return;
  }
  const per = Math.max(1, Math.min(m.rows, m.blockRows ?? Math.floor(BLOCK_BYTES / (4 * Math.max(1, m.cols)))));
  let buf = spare.get(m);
  if (buf?.length === per * m.cols) spare.delete(m);
  else buf = new Float32Array(per * m.cols);
  try {
    for (let start = 0; start < m.rows; start += per) {
      const count = Math.min(per, m.rows - start);
      m.read(start, count, buf);
      yield { data: buf, start, count };
    }
  } finally {
    spare.set(m, buf);
  }
}

/** Row i of a matrix (a view for points in memory, a copy from a reader). */
export function rowOf(m: Matrix, i: number): Float32Array | Float64Array {
  if (inMemory(m)) return m.data.subarray(i * m.cols, (i + 1) * m.cols);
  const row = new Float32Array(m.cols);
  m.read(i, 1, row);
  return row;
}

/** The whole matrix in memory (for the Gram method, only chosen for a few thousand rows). */
export function materialize(m: Matrix): Points {
  if (inMemory(m)) return m;
  const data = new Float32Array(m.rows * m.cols);
  m.read(0, m.rows, data);
  return { rows: m.rows, cols: m.cols, data };
}

/** A reader's shape checked, and every value finite (a block at a time), as `toPoints` checks points. */
export function checkReader(m: RowReader, what: string): void {
  if (!Number.isInteger(m.rows) || m.rows < 1) throw new AcsegError('BAD_INPUT', `${what}: no points`);
  if (!Number.isInteger(m.cols) || m.cols < 1) throw new AcsegError('BAD_INPUT', `${what}: rows of ${m.cols} values`);
  for (const b of blocksOf(m)) {
    for (let t = 0; t < b.count * m.cols; t++) {
      if (!Number.isFinite(b.data[t])) throw new AcsegError('NUMERIC', `${what}: value ${b.start * m.cols + t} is not finite (${b.data[t]})`);
    }
  }
}
