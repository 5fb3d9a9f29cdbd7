import type { RegionDigest } from './classifier.js';
import { arrayRowReader, type RowReader } from './row-reader.js';

/**
 * Where a two-pass stream keeps each image's region digest between its passes (`StreamOptions.digests`), for a
 * classifier that fits on the embeddings alone (`ConceptClassifier.fitRows`): a large set's digests live on disk (the
 * CLI's), so memory does not grow with the number of images. `put` is called in input order; `rows` once, after the
 * last `put`; `get` once per image, in the same order.
 */
export interface DigestStash {
  put(index: number, digest: RegionDigest): Promise<void>;
  /** The foreground embeddings of every digest put, image after image and in each image's `foreground` order. */
  rows(): Promise<RowReader>;
  get(index: number): Promise<RegionDigest>;
}

/** A digest stash in memory: for tests and small sets (every digest stays alive until pass 2 reads it). */
export function memoryDigestStash(): DigestStash {
  const kept = new Map<number, RegionDigest>();
  return {
    async put(index, digest) {
      kept.set(index, { ...digest, embeddings: digest.embeddings.map((e) => e.slice()) });
    },
    async rows() {
      return arrayRowReader([...kept.values()].flatMap((d) => d.embeddings));
    },
    async get(index) {
      const digest = kept.get(index);
      if (!digest) throw new RangeError(`digest stash: nothing kept for image ${index}`);
      kept.delete(index);
      return digest;
    },
  };
}
