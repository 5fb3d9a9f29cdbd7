import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeatureMap } from '@acseg/core';
import { writeFileAtomic } from '@acseg/report';
import type { LayoutPool } from './layout-pool.js';

const LAYOUT_VERSION = 1;

/**
 * Concept-map layouts kept on disk by a hash of the image's features, seed
 * and epochs: a rebuild computes only what changed. `prune` removes the
 * entries this build did not use.
 */
export class LayoutCache {
  hits = 0;
  private readonly used = new Set<string>();
  constructor(
    private readonly dir: string,
    private readonly opts: { seed: number; epochs: number },
    private readonly pool: LayoutPool,
  ) {}

  private name(f: FeatureMap): string {
    const hash = createHash('sha256');
    hash.update(JSON.stringify({ v: LAYOUT_VERSION, seed: this.opts.seed, epochs: this.opts.epochs, grid: f.grid, dim: f.dim }));
    hash.update(new Uint8Array(f.tokens.buffer, f.tokens.byteOffset, f.tokens.byteLength));
    return `${hash.digest('hex').slice(0, 32)}.json`;
  }

  private async saved(name: string): Promise<Float32Array | null | undefined> {
    const saved = await readFile(join(this.dir, name), 'utf8').then(
      (t) => JSON.parse(t) as number[] | null,
      () => undefined,
    );
    if (saved === undefined) return undefined;
    this.used.add(name);
    this.hits++;
    return saved ? Float32Array.from(saved) : null;
  }

  /** The layout if an earlier build or server computed it; never computes one. */
  async peek(f: FeatureMap): Promise<Float32Array | undefined> {
    return (await this.saved(this.name(f))) ?? undefined;
  }

  async get(f: FeatureMap): Promise<Float32Array | undefined> {
    await mkdir(this.dir, { recursive: true });
    const name = this.name(f);
    const saved = await this.saved(name);
    if (saved !== undefined) return saved ?? undefined;
    this.used.add(name);
    const xy = await this.pool.layout(f.tokens, f.grid.h * f.grid.w, f.dim, this.opts);
    await writeFileAtomic(join(this.dir, name), JSON.stringify(xy ? Array.from(xy, (v) => Math.round(v * 1e4) / 1e4) : null));
    return xy;
  }

  async prune(): Promise<void> {
    for (const name of await readdir(this.dir).catch(() => [] as string[])) if (!this.used.has(name)) await rm(join(this.dir, name), { force: true });
  }
}
