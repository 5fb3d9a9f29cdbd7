import { mulberry32, Rng as SeededRng, seedMix } from '@acseg/random';

/**
 * Seeded randomness of the ACG (@acseg/random's mulberry32 with the `fmix` seed mix): the same seed gives the same
 * prototypes, weights, batches and synthetic data on every machine.
 */
export class Rng extends SeededRng {
  constructor(seed: number) {
    super(mulberry32(seedMix.fmix(seed)));
  }
}

/** A seed derived from a base seed and a counter (batch t of a run, ...). */
export function subSeed(seed: number, counter: number): number {
  return (Math.imul(seed + 0x632be5ab, 0x9e3779b1) ^ Math.imul(counter + 1, 0x85ebca77)) >>> 0;
}
