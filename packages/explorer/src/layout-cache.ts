import { createHash } from 'node:crypto';
import type { FeatureMap } from '@acseg/core';
import { HashedJsonCache } from './hashed-cache.js';
import type { LayoutPool } from './layout-pool.js';

const LAYOUT_VERSION = 1;

/**
 * Concept-map layouts kept on disk by a hash of the image's features, seed
 * and epochs: a rebuild computes only what changed. `prune` removes the
 * entries this build did not use.
 */
export class LayoutCache extends HashedJsonCache {
  constructor(
    dir: string,
    private readonly opts: { seed: number; epochs: number },
    private readonly pool: LayoutPool,
  ) {
    super(dir);
  }

  private name(f: FeatureMap): string {
    const hash = createHash('sha256');
    hash.update(JSON.stringify({ v: LAYOUT_VERSION, seed: this.opts.seed, epochs: this.opts.epochs, grid: f.grid, dim: f.dim }));
    hash.update(new Uint8Array(f.tokens.buffer, f.tokens.byteOffset, f.tokens.byteLength));
    return HashedJsonCache.entryName(hash);
  }

  /** A saved layout; null where the layout could not be made (saved as such, not tried again). */
  private async saved(name: string): Promise<Float32Array | null | undefined> {
    const saved = await this.read<number[] | null>(name);
    if (saved === undefined) return undefined;
    return saved ? Float32Array.from(saved) : null;
  }

  /** The layout if an earlier build or server computed it; never computes one. */
  async peek(f: FeatureMap): Promise<Float32Array | undefined> {
    return (await this.saved(this.name(f))) ?? undefined;
  }

  async get(f: FeatureMap): Promise<Float32Array | undefined> {
    const name = this.name(f);
    const saved = await this.saved(name);
    if (saved !== undefined) return saved ?? undefined;
    const xy = await this.pool.layout(f.tokens, f.grid.h * f.grid.w, f.dim, this.opts);
    await this.write(name, xy ? Array.from(xy, (v) => Math.round(v * 1e4) / 1e4) : null);
    return xy;
  }
}
