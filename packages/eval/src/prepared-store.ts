import { arrayRowReader, type RowReader } from '@acseg/core';
import type { PreparedItem } from './prepared.js';

/**
 * Where an evaluation keeps its prepared items (each image's region × class counts and digest or region ids) between
 * the pass over the split and the seeds, which read them again, in order, once or twice each. In memory by default; a
 * store on disk (the CLI's) keeps memory flat whatever the split's size. Items are added in the split's order; reads
 * start after the last `add`.
 */
export interface PreparedStore {
  /** Items added so far. */
  readonly length: number;
  add(item: PreparedItem): Promise<void>;
  /**
   * The items in order, up to `size` at a time; may be read any number of times. `digests: false` leaves out the
   * items' digests (a pass that needs only the counts reads less).
   */
  chunks(size: number, options?: { digests?: boolean }): AsyncIterable<readonly PreparedItem[]>;
  /** The foreground embeddings of every item's digest, item after item (a classifier's `fitRows`). */
  rows(): Promise<RowReader>;
  /** Frees what the store holds (removes its files). */
  close(): Promise<void>;
}

/** Makes a store for one prepared split. */
export type PreparedStoreFactory = () => Promise<PreparedStore>;

/** The items in an array: for tests, small splits and items that hold whole inputs (`PreparedItem.held`). */
export function memoryPreparedStore(items: PreparedItem[] = []): PreparedStore {
  return {
    get length() {
      return items.length;
    },
    async add(item) {
      items.push(item);
    },
    async *chunks(size) {
      const step = Math.max(1, size);
      for (let s = 0; s < items.length; s += step) yield items.slice(s, s + step);
    },
    async rows() {
      return arrayRowReader(items.flatMap((it) => it.digest?.embeddings ?? []));
    },
    async close() {
      items.length = 0;
    },
  };
}

/** Every item of a store in one array: for small splits, tests, and what needs them all at once (a k-NN bank). */
export async function allItems(store: PreparedStore, options?: { digests?: boolean }): Promise<PreparedItem[]> {
  const out: PreparedItem[] = [];
  for await (const chunk of store.chunks(256, options)) out.push(...chunk);
  return out;
}

/**
 * Region ids of many images in one growing byte array and an offset per image (~5 bytes an image besides its
 * regions), rather than a `Uint8Array` object each (~100 bytes).
 */
export class IdsList {
  private bytes = new Uint8Array(1 << 12);
  private starts = new Uint32Array(1 << 10);
  private used = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(ids: Uint8Array): void {
    if (this.count + 1 >= this.starts.length) this.starts = grow(this.starts, new Uint32Array(this.starts.length * 2));
    if (this.used + ids.length > this.bytes.length) this.bytes = grow(this.bytes, new Uint8Array(Math.max(this.bytes.length * 2, this.used + ids.length)));
    this.bytes.set(ids, this.used);
    this.used += ids.length;
    this.starts[++this.count] = this.used;
  }

  /** Image `j`'s ids (a view: valid until the next `push`). */
  get(j: number): Uint8Array {
    if (!(j >= 0 && j < this.count)) throw new RangeError(`ids list: image ${j} of ${this.count}`);
    return this.bytes.subarray(this.starts[j], this.starts[j + 1]);
  }
}

function grow<T extends Uint8Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
