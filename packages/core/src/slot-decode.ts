import type { Backbone, DecodeUse } from './backbone.js';
import type { DecodeSlots } from './decode-slots.js';
import { toAcsegError, type AcsegError } from './errors.js';
import { imageId, imageSource, type ImageInput, type RgbImage } from './image.js';
import type { SegmentOutcome } from './pipeline.js';

/**
 * One image decoded by the backbone within the decode slots: a slot is taken first and held by the image (given back
 * by `slots.release(image)`); a failed decode gives its slot back and is a BAD_IMAGE error naming the file.
 */
export async function decodeInSlot(
  decoder: Backbone,
  input: ImageInput,
  index: number,
  slots: DecodeSlots,
  use?: DecodeUse,
): Promise<{ ok: true; image: RgbImage } | { ok: false; source: string; error: AcsegError }> {
  await slots.acquire();
  try {
    const image = await decoder.decode!(input, index, use);
    slots.hold(image);
    return { ok: true, image };
  } catch (e) {
    slots.drop();
    const source = imageSource(input, index);
    return {
      ok: false,
      source,
      error: toAcsegError(e, 'BAD_IMAGE', { file: typeof input === 'string' ? input : undefined, stage: 'features', message: source }),
    };
  }
}

/** One batch's decodes (see `decodeBatch`). */
export interface DecodedBatch {
  decoded: Array<ImageInput | undefined>;
  failed: Map<number, SegmentOutcome>;
  /** Whether the batch went through a decoder (else the backbone reads the inputs). */
  decoder?: boolean;
}

/**
 * One batch's decodes for features, with `decoder` (all started at once, each within the decode slots: sharp decodes
 * on its own threads): `decoded[j]` is input j's decode (holding a slot), undefined when it failed (its outcome in
 * `failed`). Without a decoder, nothing (the backbone reads the inputs itself).
 */
export async function decodeBatch(inputs: readonly ImageInput[], start: number, slots: DecodeSlots, decoder?: Backbone): Promise<DecodedBatch> {
  const failed = new Map<number, SegmentOutcome>();
  if (!decoder) return { decoded: [], failed };
  const decoded = await Promise.all(
    inputs.map(async (input, j): Promise<ImageInput | undefined> => {
      const r = await decodeInSlot(decoder, input, start + j, slots, { features: true });
      if (r.ok) return r.image;
      failed.set(j, { ok: false, id: imageId(input, start + j), source: r.source, error: r.error });
      return undefined;
    }),
  );
  return { decoded, failed, decoder: true };
}
