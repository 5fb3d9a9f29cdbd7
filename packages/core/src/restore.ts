import type { AssignmentStash } from './assignment-stash.js';
import type { Backbone } from './backbone.js';
import type { DecodeSlots } from './decode-slots.js';
import { AcsegError } from './errors.js';
import type { ImageInput } from './image.js';
import type { SegmentOutcome } from './pipeline.js';
import { deferRegions } from './regions.js';
import { decodeInSlot } from './slot-decode.js';

export interface RestoreParts {
  /** The backbone whose `decode` serves the outputs; none: each image stays as given. */
  decoder?: Backbone;
  /** Images decoded ahead of the one being yielded. */
  ahead: number;
  slots: DecodeSlots;
}

/** One kept image: its stashed assignment, and its decode, checked against the size it had in pass 1. */
async function restoreOne(images: readonly ImageInput[], i: number, stash: AssignmentStash, parts: RestoreParts): Promise<SegmentOutcome> {
  const entry = await stash.get(i);
  const input = images[i];
  let image: ImageInput = input;
  if (parts.decoder) {
    const r = await decodeInSlot(parts.decoder, input, i, parts.slots);
    if (!r.ok) return { ok: false, id: entry.id, source: r.source, error: r.error };
    image = r.image;
    if (image.width !== entry.width || image.height !== entry.height) {
      parts.slots.release(image);
      const message = `${entry.source}: the image is ${image.width}×${image.height} now and was ${entry.width}×${entry.height} in pass 1 (changed during the run)`;
      return { ok: false, id: entry.id, source: entry.source, error: new AcsegError('BAD_IMAGE', message, { file: entry.source }) };
    }
  }
  const { assignment } = entry;
  const upsample = { assignment: assignment.assignment, k: assignment.k, grid: entry.grid, width: entry.width, height: entry.height };
  return { ok: true, result: deferRegions({ id: entry.id, source: entry.source, image, assignment }, upsample) };
}

/** `SegmentationPipeline.restore`: the kept images in order, `ahead` of them decoding at once within the slots. */
export async function* restoreFromStash(
  images: readonly ImageInput[],
  indices: readonly number[],
  stash: AssignmentStash,
  parts: RestoreParts,
): AsyncGenerator<SegmentOutcome> {
  const pending: Array<Promise<SegmentOutcome>> = [];
  let next = 0;
  const start = (): void => {
    const p = restoreOne(images, indices[next++], stash, parts);
    // Awaited below; this only keeps one abandoned by a caller that stopped early from being an unhandled rejection.
    p.catch(() => undefined);
    pending.push(p);
  };
  try {
    while (next < indices.length && pending.length < parts.ahead) start();
    while (pending.length) {
      const o = await pending.shift()!;
      if (next < indices.length) start();
      yield o;
    }
  } finally {
    // Stopped early: the images decoded ahead are given back once their decodes end.
    for (const p of pending)
      p.then(
        (o) => o.ok && parts.slots.release(o.result.image),
        () => undefined,
      );
  }
}
