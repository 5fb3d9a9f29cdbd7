import { describe, expect, it } from 'vitest';
import type { ClassifierContext, ClassifyInput, ConceptClassifier, RegionDigest, RegionLabel } from '../classifier.js';
import { isAcsegError } from '../errors.js';
import { memoryDigestStash } from '../digest-stash.js';

export interface ClassifierKit {
  /**
   * A fresh instance seeded with `seed`. One whose `needs.fit` is set comes unfitted (the suite fits it on
   * `inputs`); one that needs other preparation first (a k-NN memory bank, a loaded state) comes prepared.
   */
  create(seed: number): Promise<ConceptClassifier>;
  /** An instance before that preparation, which must refuse to classify; default: `create` when `needs.fit`. */
  unprepared?(): Promise<ConceptClassifier>;
  /** What the pipeline would hand it: the backbone, class names where it needs them. */
  context(): Promise<ClassifierContext> | ClassifierContext;
  /** Two or more images with their features and regions. */
  inputs(): Promise<readonly ClassifyInput[]> | readonly ClassifyInput[];
  /** A context lacking what it declares it needs (e.g. no class names): `check` or `classify` must refuse it. */
  badContext?(): Promise<ClassifierContext> | ClassifierContext;
}

async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => undefined,
    (e: unknown) => e,
  );
}

async function labelled(kit: ClassifierKit, seed: number): Promise<RegionLabel[][]> {
  const c = await kit.create(seed);
  try {
    const context = await kit.context();
    const inputs = await kit.inputs();
    if (c.needs.fit) await c.fit!(inputs, context);
    return await c.classify(inputs, context);
  } finally {
    await c.dispose?.();
  }
}

/**
 * The contract every ConceptClassifier keeps (packages/core/src/classifier.ts):
 * one label per region in range of its class names, a refusal (not a wrong
 * answer) before a needed `fit` or without what it needs, the same labels
 * for the same seed, the streaming digest path equal to `fit` + `classify`,
 * and a `dispose` that can be called twice.
 */
export function describeClassifier(name: string, kit: ClassifierKit): void {
  describe(`ConceptClassifier conformance: ${name}`, () => {
    it('gives each region of each image one label, with a class id in range', async () => {
      const inputs = await kit.inputs();
      expect(inputs.length).toBeGreaterThanOrEqual(2);
      const context = await kit.context();
      const out = await labelled(kit, 1);
      expect(out).toHaveLength(inputs.length);
      for (const [i, labels] of out.entries()) {
        const { count } = inputs[i].regions;
        expect(labels.map((l) => l.region).sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, r) => r));
        for (const l of labels) {
          expect(Number.isInteger(l.classId) && l.classId >= 0).toBe(true);
          if (context.classNames) expect(l.classId).toBeLessThan(context.classNames.length);
          if (l.score !== undefined) expect(Number.isFinite(l.score)).toBe(true);
        }
      }
    });

    it('gives the same labels for the same seed', async () => {
      expect(await labelled(kit, 4)).toEqual(await labelled(kit, 4));
    });

    it('refuses to classify before it is fitted or prepared, with an AcsegError', async () => {
      const c = kit.unprepared ? await kit.unprepared() : await kit.create(1);
      try {
        if (!kit.unprepared && !c.needs.fit) return;
        const e = await rejection(c.classify(await kit.inputs(), await kit.context()));
        expect(isAcsegError(e), `expected an AcsegError, got ${String(e)}`).toBe(true);
      } finally {
        await c.dispose?.();
      }
    });

    it('refuses a context without what it needs, with an AcsegError', async () => {
      if (!kit.badContext) return;
      const c = await kit.create(1);
      try {
        const bad = await kit.badContext();
        const e = c.check ? await rejection(c.check(bad)) : await rejection(c.classify(await kit.inputs(), bad));
        expect(isAcsegError(e), `expected an AcsegError, got ${String(e)}`).toBe(true);
      } finally {
        await c.dispose?.();
      }
    });

    it('labels the same through digests (the streaming path) as through fit + classify', async () => {
      const c = await kit.create(2);
      try {
        if (!c.digest || !c.classifyDigests) return;
        const context = await kit.context();
        const inputs = await kit.inputs();
        const digests: RegionDigest[] = [];
        for (const input of inputs) digests.push(await c.digest(input, context));
        if (c.needs.fit) await c.fitDigests!(digests, context);
        const streamed = await c.classifyDigests(digests, context);
        expect(streamed).toEqual(await labelled(kit, 2));
      } finally {
        await c.dispose?.();
      }
    });

    it('fits from rows of embeddings (fitRows, a two-pass run with its digests on disk) as from the digests', async () => {
      const c = await kit.create(2);
      try {
        if (!c.fitRows || !c.digest || !c.classifyDigests) return;
        const context = await kit.context();
        const stash = memoryDigestStash();
        const inputs = await kit.inputs();
        const digests: RegionDigest[] = [];
        for (const [i, input] of inputs.entries()) {
          digests.push(await c.digest(input, context));
          await stash.put(i, digests[i]);
        }
        await c.fitRows(await stash.rows(), inputs.length, context);
        expect(await c.classifyDigests(digests, context)).toEqual(await labelled(kit, 2));
      } finally {
        await c.dispose?.();
      }
    });

    it('disposes, and a second dispose is harmless', async () => {
      const c = await kit.create(1);
      await c.dispose?.();
      await c.dispose?.();
    });
  });
}
