import type { ConceptAssignment } from './generator.js';

/** What pass 2 of a two-pass stream needs of an image to make its regions again: its concept assignment S and sizes. */
export interface StashedAssignment {
  id: string;
  source: string;
  /** S (n × k) and k; the concepts themselves are not kept. */
  assignment: Pick<ConceptAssignment, 'id' | 'k' | 'assignment'>;
  grid: { h: number; w: number };
  width: number;
  height: number;
}

/**
 * Where a two-pass stream keeps each image's assignment between its passes (see `StreamOptions.stash`): a few KB an
 * image (n × k floats) instead of its features, so pass 2 needs neither the backbone, nor the generator, nor a
 * feature cache. `put` is called in input order; `get` once per image, in the same order. A stash for a large set
 * lives on disk (the CLI's), so memory does not grow with the number of images.
 */
export interface AssignmentStash {
  put(index: number, entry: StashedAssignment): Promise<void>;
  get(index: number): Promise<StashedAssignment>;
}

/** A stash in memory: for tests and small sets (n × k floats an image stay alive until the end). */
export function memoryStash(): AssignmentStash {
  const kept = new Map<number, StashedAssignment>();
  return {
    async put(index, entry) {
      kept.set(index, { ...entry, assignment: { id: entry.assignment.id, k: entry.assignment.k, assignment: entry.assignment.assignment.slice() } });
    },
    async get(index) {
      const entry = kept.get(index);
      if (!entry) throw new RangeError(`assignment stash: nothing kept for image ${index}`);
      kept.delete(index);
      return entry;
    },
  };
}
