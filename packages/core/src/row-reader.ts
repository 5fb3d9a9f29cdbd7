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
