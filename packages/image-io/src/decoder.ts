import { resolveMaxPixels, type ImageDecoder } from '@acseg/core';
import { decodeImage, readImageSize } from './decode.js';
import { applyHeicThreadsEnv } from './heic.js';

/**
 * The decoder a run binds once (`services.images`), and the one a component constructed directly makes for itself.
 * `maxPixels`: the limit when a call gives none (default: `$ACSEG_MAX_PIXELS` at creation, else 64 MP).
 * `$ACSEG_HEIC_THREADS`, when set, sets how many HEIC photos decode at once (`heicThreads`).
 */
export function createImageDecoder(options: { maxPixels?: number } = {}): ImageDecoder {
  const maxPixels = resolveMaxPixels(options.maxPixels);
  applyHeicThreadsEnv();
  return {
    maxPixels,
    decode: (image, opts = {}) => decodeImage(image, { index: opts.index, maxPixels: opts.maxPixels ?? maxPixels }),
    size: (path) => readImageSize(path),
  };
}
