import { describe, expect, it } from 'vitest';
import { isAcsegError } from '../errors.js';
import type { FeatureMap } from '../features.js';
import type { ConceptAssignment, ConceptGenerator } from '../generator.js';

export interface GeneratorKit {
  /** A fresh instance seeded with `seed`, ready to `generate` (fitted or loaded where it must be). */
  create(seed: number): Promise<ConceptGenerator>;
  /** Two or more feature maps of one dimension. */
  features(): readonly FeatureMap[];
  /** Largest allowed difference between two runs with one seed, and between batched and one-by-one; default 0. */
  tolerance?: number;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function using<T>(kit: GeneratorKit, seed: number, body: (g: ConceptGenerator) => Promise<T>): Promise<T> {
  const generator = await kit.create(seed);
  try {
    return await body(generator);
  } finally {
    await generator.dispose?.();
  }
}

function expectSame(a: readonly ConceptAssignment[], b: readonly ConceptAssignment[], tolerance: number): void {
  expect(b.map((x) => [x.id, x.k])).toEqual(a.map((x) => [x.id, x.k]));
  for (const [i, x] of a.entries()) expect(maxAbsDiff(x.assignment, b[i].assignment)).toBeLessThanOrEqual(tolerance);
}

/** A copy of `f` with one patch value replaced by NaN. */
function withNaN(f: FeatureMap): FeatureMap {
  const tokens = Float32Array.from(f.tokens);
  tokens[Math.floor(tokens.length / 2)] = Number.NaN;
  return { ...f, id: `${f.id}-nan`, tokens };
}

/**
 * The contract every ConceptGenerator keeps (packages/core/src/generator.ts):
 * an n × k assignment per map in input order, the same output for the same
 * seed and whether maps come one by one or together, non-finite features
 * refused with an `AcsegError`, and a `dispose` that can be called twice.
 */
export function describeGenerator(name: string, kit: GeneratorKit): void {
  const tolerance = kit.tolerance ?? 0;
  describe(`ConceptGenerator conformance: ${name}`, () => {
    it('maps each image to an n × k assignment (and k × d concepts), in input order', async () => {
      const features = kit.features();
      expect(features.length).toBeGreaterThanOrEqual(2);
      await using(kit, 1, async (g) => {
        expect(g.ready).toBe(true);
        const out = await g.generate(features);
        expect(out.map((o) => o.id)).toEqual(features.map((f) => f.id));
        for (const [i, o] of out.entries()) {
          const f = features[i];
          expect(Number.isInteger(o.k) && o.k >= 1).toBe(true);
          expect(o.assignment).toBeInstanceOf(Float32Array);
          expect(o.assignment.length).toBe(f.grid.h * f.grid.w * o.k);
          expect(o.assignment.every(Number.isFinite)).toBe(true);
          if (o.concepts) expect(o.concepts.length).toBe(o.k * f.dim);
        }
      });
    });

    it('gives the same output for the same seed, run twice, and one map at a time', async () => {
      const features = kit.features();
      const first = await using(kit, 3, (g) => g.generate(features));
      await using(kit, 3, async (g) => {
        expectSame(first, await g.generate(features), tolerance);
        expectSame(first, await g.generate(features), tolerance);
        const oneByOne: ConceptAssignment[] = [];
        for (const f of features) oneByOne.push(...(await g.generate([f])));
        expectSame(first, oneByOne, tolerance);
      });
    });

    it('refuses a feature map with a non-finite value with an AcsegError naming it', async () => {
      const [f] = kit.features();
      const bad = withNaN(f);
      await using(kit, 1, async (g) => {
        const e = await g.generate([bad]).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(isAcsegError(e), `expected an AcsegError, got ${String(e)}`).toBe(true);
        expect((e as Error).message).toContain(bad.source ?? bad.id);
      });
    });

    it('disposes, and a second dispose is harmless', async () => {
      const g = await kit.create(1);
      await g.dispose?.();
      await g.dispose?.();
    });
  });
}
