import { syntheticImages, type SyntheticImage } from './synthetic.js';
import { syntheticImagesB } from './synthetic-b.js';

/**
 * The synthetic benchmark's two families of planted-concept images, and which one a recipe may be tuned on.
 * A (`synthetic.ts`) is the family that the recipe scan of 2026-11-26 (tools/acg-reference/results) tuned
 * `lr`, `ema` and `restarts` on; B (`synthetic-b.ts`) is made differently and kept out of tuning, so advice is
 * checked on it (docs/experiments/acg-recipe.md). A tuning scan must not read B.
 */
export type SyntheticFamily = 'A' | 'B';

export interface FamilyInfo {
  role: 'tuning' | 'held out';
  description: string;
  make(options: { count: number; seed: number; dim: number }): SyntheticImage[];
}

export const SYNTHETIC_FAMILIES: Record<SyntheticFamily, FamilyInfo> = {
  A: {
    role: 'tuning',
    description: 'A: 16 random concept directions, weighted-Voronoi regions ≥ 6 patches, isotropic noise 0.8, no shared direction, 1–6 concepts uniform',
    make: (o) => syntheticImages(o),
  },
  B: {
    role: 'held out',
    description:
      'B: 4 × 6 related concept directions (cos 0.4 within a group), bands + elliptical blobs ≥ 4 patches, shared direction 0.8 tilted per image, low-rank + smooth + per-region noise, 1–6 concepts weighted 2:3:3:2:1.5:1.5',
    make: (o) => syntheticImagesB(o),
  },
};

export function isSyntheticFamily(name: string): name is SyntheticFamily {
  return Object.hasOwn(SYNTHETIC_FAMILIES, name);
}
