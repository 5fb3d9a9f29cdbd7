import { DEFAULT_MAX_DECODED } from '@acseg/core';
import { readImageSize } from '@acseg/image-io';

/**
 * Bytes of decoded pixels a run keeps alive by default. 24 decoded images (the pipeline's default) are 12 MB of
 * CamVid frames but 864 MB of 12 MP photos, where they buy nothing: a photo's outputs, not its decode, set the pace
 * (40 photos at 4032 × 3024: 13.3 s with 24, 8 or 4 decoded at once; peak RSS 1.51, 1.01 and 0.89 GiB). Each decoded
 * photo can hold more than its pixels while it is in flight: 20 photos at 4032 × 3024 took 10–45 MiB of peak RSS
 * more for each one kept decoded with the weight-free backbone, 40–100 with the ViT-S/16, and ran no faster with 7
 * than with 4 (2026-12-06).
 */
export const DECODED_BYTES = 128 * 2 ** 20;
/** Images whose headers are read to size the default. */
const SAMPLE = 16;
/** The default never goes below this. */
const FEWEST = 4;

/** The default `maxDecoded` for images of at most `pixels`: 24, fewer where 24 would pass DECODED_BYTES (at least 4). */
export function maxDecodedFor(pixels: number): number {
  return Math.max(FEWEST, Math.min(DEFAULT_MAX_DECODED, Math.floor(DECODED_BYTES / (3 * Math.max(1, pixels)))));
}

/**
 * The largest of up to 16 images spread over the list, read from their headers (~1 ms each); files that cannot be
 * read are left for the run to report. Undefined when none could be read.
 */
export async function largestOf(images: readonly string[]): Promise<{ width: number; height: number } | undefined> {
  const step = Math.max(1, images.length / SAMPLE);
  const picked = new Set<string>();
  for (let i = 0; i < images.length && picked.size < SAMPLE; i += step) picked.add(images[Math.floor(i)]);
  let largest: { width: number; height: number } | undefined;
  for (const file of picked) {
    const size = await readImageSize(file).catch(() => undefined);
    if (size && (!largest || size.width * size.height > largest.width * largest.height)) largest = size;
  }
  return largest;
}
