import { describe, expect, it } from 'vitest';
import type { Backbone, FeatureResult } from '../backbone.js';
import { isAcsegError } from '../errors.js';
import { imageSource, type ImageInput } from '../image.js';
import type { RegionMap } from '../regions.js';

export interface BackboneKit {
  /** A fresh, ready instance; called once per test, disposed by the suite. */
  create(): Promise<Backbone>;
  /** Two or more images the backbone reads (paths or decoded RGB). */
  images(): Promise<readonly ImageInput[]> | readonly ImageInput[];
  /** An input that is not a valid image (e.g. a text file named .jpg). */
  badImage(): Promise<ImageInput> | ImageInput;
  /** Largest allowed difference between two runs; 0 (bit-identical) unless the runtime is not deterministic. */
  tolerance?: number;
}

async function collect(backbone: Backbone, images: readonly ImageInput[]): Promise<FeatureResult[]> {
  const out: FeatureResult[] = [];
  for await (const r of backbone.extract(images)) out.push(r);
  return out;
}

async function using<T>(kit: BackboneKit, body: (b: Backbone) => Promise<T>): Promise<T> {
  const backbone = await kit.create();
  try {
    return await body(backbone);
  } finally {
    await backbone.dispose?.();
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Two regions: the left half of the image and the right half. */
function halves(width: number, height: number): RegionMap {
  const labels = new Uint16Array(width * height);
  const split = Math.max(1, Math.floor(width / 2));
  for (let y = 0; y < height; y++) for (let x = split; x < width; x++) labels[y * width + x] = 1;
  return { width, height, labels, count: 2, concepts: [0, 1], pixelCounts: [split * height, (width - split) * height] };
}

/**
 * The contract every Backbone keeps (packages/core/src/backbone.ts): one
 * result per image in input order, shapes as `info` declares, the same
 * features on a second run, a bad file named in an `AcsegError` while the
 * rest go on, a `dispose` that can be called twice, and a `decode` that
 * still works after it.
 */
export function describeBackbone(name: string, kit: BackboneKit): void {
  const tolerance = kit.tolerance ?? 0;
  describe(`Backbone conformance: ${name}`, () => {
    it('yields one result per image, in input order, shaped as its info declares', async () => {
      const images = await kit.images();
      expect(images.length).toBeGreaterThanOrEqual(2);
      await using(kit, async (backbone) => {
        const results = await collect(backbone, images);
        expect(results).toHaveLength(images.length);
        const ids = new Set<string>();
        for (const [i, r] of results.entries()) {
          expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
          if (!r.ok) continue;
          const f = r.features;
          expect(f.source ?? imageSource(images[i], i)).toBe(imageSource(images[i], i));
          ids.add(f.id);
          expect(f.dim).toBe(backbone.info.dim);
          expect(f.grid.h).toBeGreaterThan(0);
          expect(f.grid.w).toBeGreaterThan(0);
          expect(f.tokens).toBeInstanceOf(Float32Array);
          expect(f.tokens.length).toBe(f.grid.h * f.grid.w * f.dim);
          expect(f.tokens.every(Number.isFinite)).toBe(true);
          expect(f.imageSize.width).toBeGreaterThan(0);
          expect(f.imageSize.height).toBeGreaterThan(0);
          if (f.cls) expect(f.cls.length).toBe(f.dim);
          if (backbone.info.hasAttention) {
            expect(f.attention, 'info.hasAttention is set but no attention was returned').toBeDefined();
            expect(f.attention!.data.length).toBe(f.attention!.heads * f.grid.h * f.grid.w);
            if (backbone.info.heads !== undefined) expect(f.attention!.heads).toBe(backbone.info.heads);
          }
        }
        expect(ids.size, 'image ids must be unique').toBe(images.length);
      });
    });

    it('gives the same features on a second run and from a second instance', async () => {
      const images = await kit.images();
      const first = await using(kit, (b) => collect(b, images));
      const again = await using(kit, async (b) => {
        await collect(b, images);
        return collect(b, images);
      });
      for (const [i, r] of first.entries()) {
        const s = again[i];
        if (!r.ok || !s.ok) throw new Error('a good image failed');
        expect(s.features.id).toBe(r.features.id);
        expect(maxAbsDiff(s.features.tokens, r.features.tokens)).toBeLessThanOrEqual(tolerance);
      }
    });

    it('names a bad file in an AcsegError and goes on with the rest', async () => {
      const [good] = await kit.images();
      const bad = await kit.badImage();
      await using(kit, async (backbone) => {
        const results = await collect(backbone, [good, bad, good]);
        expect(results.map((r) => r.ok)).toEqual([true, false, true]);
        const failed = results[1];
        if (failed.ok) return;
        expect(isAcsegError(failed.error)).toBe(true);
        expect(failed.source).toBe(imageSource(bad, 1));
        if (typeof bad === 'string') expect(failed.error.message).toContain(failed.source.split(/[\\/]/).pop()!);
      });
    });

    it('embeds regions, when it can, as one finite vector of one length per asked region', async () => {
      const [image] = await kit.images();
      await using(kit, async (backbone) => {
        if (!backbone.regionEmbeddings) return;
        const [r] = await collect(backbone, [image]);
        if (!r.ok) throw r.error;
        const { width, height } = r.features.imageSize;
        const vectors = await backbone.regionEmbeddings(image, halves(width, height), [0, 1], r.features);
        expect(vectors).toHaveLength(2);
        expect(vectors[0].length).toBeGreaterThan(0);
        expect(vectors[1].length).toBe(vectors[0].length);
        for (const v of vectors) expect(v.every(Number.isFinite)).toBe(true);
      });
    });

    it('disposes, and a second dispose is harmless', async () => {
      const backbone = await kit.create();
      await backbone.dispose?.();
      await backbone.dispose?.();
    });

    it('decodes, where it has a decode, after dispose as before it (pass 2 of a stream from a stash)', async () => {
      const backbone = await kit.create();
      if (!backbone.decode) return void (await backbone.dispose?.());
      const [image] = await kit.images();
      const before = await backbone.decode(image, 0);
      await backbone.dispose?.();
      const after = await backbone.decode(image, 0);
      expect([after.width, after.height, after.id, after.source]).toEqual([before.width, before.height, before.id, before.source]);
      expect(Buffer.from(after.data).equals(Buffer.from(before.data))).toBe(true);
    });
  });
}
