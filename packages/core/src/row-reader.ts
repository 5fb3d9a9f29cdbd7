/**
 * Rows of a float32 matrix read a block at a time: a whole image set's region embeddings, which need not fit in
 * memory (a k-means fit over 100 000 photos' regions). The clustering plugins stream over it in row order.
 */
export interface RowReader {
  readonly rows: number;
  readonly cols: number;
  /** Rows read at a time (default: the reader's user picks, ~4 MiB). */
  readonly blockRows?: number;
  /** Copies rows [start, start + count) into `into` (count × cols values, row-major). */
  read(start: number, count: number, into: Float32Array): void;
}

/** Rows held in memory, one array each, as a `RowReader` (the in-memory stashes and stores; tests). */
export function arrayRowReader(rows: readonly Float32Array[]): RowReader {
  const cols = rows[0]?.length ?? 0;
  return {
    rows: rows.length,
    cols,
    read(start, count, into) {
      for (let r = 0; r < count; r++) into.set(rows[start + r], r * cols);
    },
  };
}
