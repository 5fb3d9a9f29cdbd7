/**
 * Exponential moving average of the weights (Polyak averaging as in timm's ModelEmaV2 and DETR-style trainers):
 * θ̄ ← β θ̄ + (1 − β) θ after every optimizer step, θ̄ starting from the weights training starts from. Kept in the
 * flat layout of the trainer's master weights, so one loop updates all 18 M values.
 */
export class WeightAverage {
  readonly values: Float32Array;

  constructor(
    readonly decay: number,
    start: Float32Array,
  ) {
    if (!(decay >= 0 && decay < 1)) throw new RangeError(`ema decay must be in [0, 1), got ${decay}`);
    this.values = Float32Array.from(start);
  }

  update(weights: Float32Array): void {
    if (weights.length !== this.values.length) throw new RangeError(`ema: ${weights.length} weights, the average holds ${this.values.length}`);
    const a = this.values;
    const keep = this.decay;
    const take = 1 - keep;
    for (let i = 0; i < a.length; i++) a[i] = keep * a[i] + take * weights[i];
  }
}
