import { AcsegError } from './errors.js';

/**
 * Largest image any acseg component decodes, in pixels (64 MP, e.g.
 * 8000×8000): above it the decoded raster alone takes 200+ MB. Raised or
 * lowered with the component option `maxPixels` or `$ACSEG_MAX_PIXELS`.
 */
export const DEFAULT_MAX_PIXELS = 64_000_000;
export const MAX_PIXELS_ENV = 'ACSEG_MAX_PIXELS';

function positiveInt(raw: unknown): number | null {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 1 ? n : null;
}

/**
 * The pixel limit: the component's `maxPixels` option, else `$ACSEG_MAX_PIXELS`,
 * else 64 MP. A value that is not a positive integer is a BAD_CONFIG error.
 */
export function resolveMaxPixels(option: unknown, env: Record<string, string | undefined> = process.env): number {
  if (option !== undefined && option !== null && option !== '') {
    const n = positiveInt(option);
    if (n === null) throw new AcsegError('BAD_CONFIG', `option maxPixels must be a positive whole number of pixels, got ${JSON.stringify(option)}`);
    return n;
  }
  const fromEnv = env[MAX_PIXELS_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = positiveInt(fromEnv);
    if (n === null) throw new AcsegError('BAD_CONFIG', `${MAX_PIXELS_ENV} must be a positive whole number of pixels, got ${JSON.stringify(fromEnv)}`);
    return n;
  }
  return DEFAULT_MAX_PIXELS;
}

/** "64 MP" for large counts, "2000 pixels" for small ones. */
export function formatPixels(n: number): string {
  return n >= 1_000_000 ? `${Number((n / 1e6).toFixed(1))} MP` : `${n} pixels`;
}

/**
 * Refuses an image larger than `maxPixels`, from its size as the header
 * gives it (before decoding): the one message every image decoder uses.
 */
export function checkImagePixels(source: string, width: number, height: number, maxPixels: number, file?: string): void {
  if (width * height <= maxPixels) return;
  throw new AcsegError(
    'BAD_IMAGE',
    `${source}: the image is ${width}×${height} (${formatPixels(width * height)}), above the limit of ${formatPixels(maxPixels)}`,
    {
      file,
      hint: `downscale it first (e.g. to 4000 px on the longer side), or raise the limit with the option maxPixels (--set maxPixels=N) or ${MAX_PIXELS_ENV}`,
    },
  );
}
