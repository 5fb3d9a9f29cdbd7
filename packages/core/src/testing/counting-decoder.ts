import { imageSource } from '../image.js';
import type { ImageDecoder } from '../image-decoder.js';

/**
 * Wraps a decoder so a test can see what a component decoded through the run's `services.images`: `seen` lists each
 * decoded image's source, in call order.
 */
export function countingDecoder(inner: ImageDecoder): { decoder: ImageDecoder; seen: string[] } {
  const seen: string[] = [];
  const decoder: ImageDecoder = {
    maxPixels: inner.maxPixels,
    decode: (image, o) => (seen.push(imageSource(image, o?.index)), inner.decode(image, o)),
    size: (path) => inner.size(path),
  };
  return { decoder, seen };
}
