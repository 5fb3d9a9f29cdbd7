/**
 * A bound on decoded images alive at once: a decode takes a slot first and the image gives it back when its
 * consumer is done with it. A full-size 12 MP photo is 36 MB decoded, so this, not the batch size, is what keeps a
 * run's memory from growing with image size × look-ahead.
 */
export class DecodeSlots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  /** Slots per image: an image given twice (an RgbImage input passes through its decode) holds two. */
  private readonly held = new Map<object, number>();
  private count = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`decode slots: ${size} is not a whole number ≥ 1`);
    this.free = size;
  }

  /** Waits for a free slot and takes it. */
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** The slot just acquired now belongs to `image` (released by `release(image)`). */
  hold(image: object): void {
    this.held.set(image, (this.held.get(image) ?? 0) + 1);
    this.count++;
  }

  /** Gives back a slot acquired for an image that was not decoded. */
  drop(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }

  /** The image's consumer is done with it; a second call, or an image that holds no slot, does nothing. */
  release(image: unknown): void {
    if (typeof image !== 'object' || image === null) return;
    const n = this.held.get(image);
    if (!n) return;
    if (n > 1) this.held.set(image, n - 1);
    else this.held.delete(image);
    this.count--;
    this.drop();
  }

  /** Images decoded and not yet released. */
  get alive(): number {
    return this.count;
  }
}
