/**
 * Where each image's record lies in a pass-1 scratch file, by image index: typed arrays grown by doubling (20 bytes an
 * image) rather than a Map of objects (~100). Images are added in increasing index order, so a lookup is a binary
 * search.
 */
export class RecordIndex {
  private indices = new Int32Array(1024);
  private offsets = new Float64Array(1024);
  private sizes = new Int32Array(1024);
  private extras = new Int32Array(1024);
  private count = 0;

  /** The index of the last image added, −1 before any. */
  get last(): number {
    return this.count ? this.indices[this.count - 1] : -1;
  }

  /** Records image `index` (greater than any before) at `offset`, `size` bytes, with one more number of the caller's. */
  add(index: number, offset: number, size: number, extra = 0): void {
    if (index <= this.last) throw new RangeError(`record index: image ${index} added after image ${this.last}`);
    if (this.count === this.indices.length) this.grow();
    this.indices[this.count] = index;
    this.offsets[this.count] = offset;
    this.sizes[this.count] = size;
    this.extras[this.count++] = extra;
  }

  /** Where image `index`'s record lies; undefined if it was never added or was forgotten. */
  find(index: number): { offset: number; size: number; extra: number } | undefined {
    const slot = this.slotOf(index);
    if (slot < 0 || this.sizes[slot] < 0) return undefined;
    return { offset: this.offsets[slot], size: this.sizes[slot], extra: this.extras[slot] };
  }

  /** Forgets image `index` (read once): `find` gives undefined from now on. */
  forget(index: number): void {
    const slot = this.slotOf(index);
    if (slot >= 0) this.sizes[slot] = -1;
  }

  private slotOf(index: number): number {
    let lo = 0,
      hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.indices[mid];
      if (v === index) return mid;
      if (v < index) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private grow(): void {
    const n = this.indices.length * 2;
    const grown = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.indices = grown(this.indices, (k) => new Int32Array(k));
    this.offsets = grown(this.offsets, (k) => new Float64Array(k));
    this.sizes = grown(this.sizes, (k) => new Int32Array(k));
    this.extras = grown(this.extras, (k) => new Int32Array(k));
  }
}
