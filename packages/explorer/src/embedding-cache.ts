import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { HashedJsonCache } from './hashed-cache.js';
import type { IndexMap } from './maps.js';

const EMBEDDING_VERSION = 1;

/**
 * Region embeddings from a backbone (a ViT pass per region: the slow part of a build) kept on disk by a hash of what
 * decides them: the embedder's key (its component and model), the image file's bytes and the region map. A rebuild
 * embeds only new or changed images; `prune` removes the entries this build did not use.
 */
export class EmbeddingCache extends HashedJsonCache {
  constructor(
    dir: string,
    private readonly key: string,
  ) {
    super(dir);
  }

  private async name(source: string, regions: IndexMap): Promise<string | undefined> {
    const bytes = await readFile(source).catch(() => undefined);
    if (!bytes) return undefined; // the embedder says why it cannot read the image
    const hash = createHash('sha256');
    hash.update(JSON.stringify({ v: EMBEDDING_VERSION, key: this.key, w: regions.width, h: regions.height }));
    hash.update(regions.data);
    hash.update(bytes);
    return HashedJsonCache.entryName(hash);
  }

  /** The embeddings saved for this image and region map, else computed by `make` and saved. */
  async get(source: string, regions: IndexMap, make: () => Promise<Map<number, Float32Array>>): Promise<Map<number, Float32Array>> {
    const name = await this.name(source, regions);
    if (!name) return make();
    const saved = await this.read<{ r: number[]; dim: number; f32: string }>(name);
    if (saved) {
      const all = new Float32Array(new Uint8Array(Buffer.from(saved.f32, 'base64')).buffer);
      return new Map(saved.r.map((r, j) => [r, all.slice(j * saved.dim, (j + 1) * saved.dim)]));
    }
    const made = await make();
    const rows = [...made.values()];
    const dim = rows[0]?.length ?? 0;
    const all = new Float32Array(rows.length * dim);
    rows.forEach((e, j) => all.set(e, j * dim));
    await this.write(name, { r: [...made.keys()], dim, f32: Buffer.from(all.buffer).toString('base64') });
    return made;
  }
}
