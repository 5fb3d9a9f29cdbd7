import { Rng, subSeed } from '../model/rng.js';

/** Image indices of iteration t: a fixed function of (seed, t), so a resumed run draws the same batches. */
export function batchIndices(seed: number, t: number, length: number, batch: number): number[] {
  const rng = new Rng(subSeed(seed, t));
  if (length < batch) return Array.from({ length: batch }, () => rng.int(length));
  const picked = new Set<number>();
  const out: number[] = [];
  while (out.length < batch) {
    const i = rng.int(length);
    if (!picked.has(i)) {
      picked.add(i);
      out.push(i);
    }
  }
  return out;
}
