/**
 * Seeded pseudo-random numbers: mulberry32 (Tommy Ettinger's 32-bit generator) with Box–Muller normals, so that a
 * seed gives the same weights, batches, synthetic data and k-means++ draws on every machine. Each package keeps
 * its own historical seed mix (`seedMix`): changing one would change every number recorded with it.
 */

/** mulberry32 from a 32-bit state: uniform numbers in [0, 1). */
export function mulberry32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The ways acseg's packages turn a seed into mulberry32's starting state. */
export const seedMix = {
  /** murmur3's finaliser of seed ⊕ golden ratio (@acseg/acg): nearby seeds give unrelated streams. */
  fmix: (seed: number): number => {
    let h = (seed ^ 0x9e3779b9) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    return (h ^ (h >>> 16)) >>> 0;
  },
  /** seed × golden ratio ⊕ a constant (@acseg/generator-clustering). */
  multiply: (seed: number): number => (Math.imul(seed | 0, 0x9e3779b1) ^ 0x5bd1e995) >>> 0,
  /** seed ⊕ golden ratio (@acseg/classifier-kmeans). */
  xor: (seed: number): number => (Math.trunc(seed) ^ 0x9e3779b9) >>> 0,
};

/** Uniform, integer, normal and permutation draws from one uniform stream. */
export class Rng {
  private spare: number | undefined;

  constructor(readonly next: () => number) {}

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle of 0..n-1. */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }
}
