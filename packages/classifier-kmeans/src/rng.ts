import { mulberry32, seedMix } from '@acseg/random';

/**
 * The k-means++ draws' seeded generator (@acseg/random's mulberry32 with the `xor` seed mix): runs over 10 seeds
 * are repeatable on every machine.
 */
export function seededRandom(seed: number): () => number {
  return mulberry32(seedMix.xor(seed));
}
