import { freeBytes, sizeText } from '@acseg/feature-cache';

/**
 * Warns early when a run's outputs will not fit on the disk of its output folder. Their size depends on the images
 * (PNG compression), so it is measured: the free bytes when `at[0]` images are written and again at `at[1]`, whose
 * difference over the images between leaves out the writes in flight at either point (up to 32). A warning, not a
 * stop: other programs write to the same disk, and a run that fills it stops cleanly anyway and resumes; the
 * warning only tells the user hours sooner.
 */
export class OutputRoomWatch {
  private first: number | undefined;
  /** The warning given, if any (tests). */
  warned?: string;

  constructor(
    private readonly out: string,
    private readonly total: number,
    private readonly warn: (message: string) => void,
    private readonly diskFree: (dir: string) => Promise<number | undefined> = freeBytes,
    private readonly at: readonly [number, number] = [50, 250],
  ) {}

  /** Told the number of images written so far, after each. */
  async written(n: number): Promise<void> {
    const [a, b] = this.at;
    if (this.total <= b) return;
    if (n === a) this.first = await this.diskFree(this.out);
    else if (n === b && this.first !== undefined) {
      const free = await this.diskFree(this.out);
      if (free === undefined) return;
      const perImage = Math.max(0, this.first - free) / (b - a);
      const left = this.total - b;
      if (left * perImage <= free) return;
      this.warned =
        `${this.out}: at about ${sizeText(perImage)} an image, the ${left} images left need about ${sizeText(left * perImage)} more ` +
        `and its disk has ${sizeText(free)} free: the run will stop when the disk is full (the images finished by then are kept, ` +
        'and the same command goes on from there once there is room)';
      this.warn(this.warned);
    }
  }
}
