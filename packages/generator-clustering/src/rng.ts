import { mulberry32, Rng as SeededRng, seedMix } from '@acseg/random';

/**
 * The clustering methods' seeded generator (@acseg/random's mulberry32 with the `multiply` seed mix), so every
 * method is deterministic given its `seed`; its normals are affinity propagation's tie-breaking noise.
 */
export class Rng extends SeededRng {
  constructor(seed: number) {
    super(mulberry32(seedMix.multiply(seed)));
  }
}
