import type { LrSchedule } from '../options.js';

export type { LrSchedule };

export interface ScheduleOptions {
  lr: number;
  /** Iterations of linear warm-up from lr/warmup to lr (0 = none). */
  warmup: number;
  schedule: LrSchedule;
  /** Length of the run: the cosine reaches 0 at this iteration. */
  iterations: number;
}

/**
 * The rate of iteration t (0-based): linear warm-up × (1 for 'constant', ½(1 + cos(π t / iterations)) for
 * 'cosine', SGDR's annealing without restarts). A function of t alone, so a resumed run takes the same steps.
 */
export function learningRateAt(t: number, o: ScheduleOptions): number {
  const warm = o.warmup > 0 && t < o.warmup ? (t + 1) / o.warmup : 1;
  const decay = o.schedule === 'cosine' ? 0.5 * (1 + Math.cos((Math.PI * Math.min(t, o.iterations)) / o.iterations)) : 1;
  return o.lr * warm * decay;
}
