import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FeatureCache } from '@acseg/feature-cache';
import { SERVE_SETTINGS, type ServeSettings } from './build.js';
import type { PageImage } from './format.js';
import { ImageReader } from './image-record.js';
import { LayoutCache } from './layout-cache.js';
import { LayoutPool } from './layout-pool.js';
import { listRun, type RunImage } from './run-reader.js';

/**
 * Concept maps on request, for `explore --serve`: the images that --maps
 * left without one get it when the page opens them (about a second each),
 * cached in explore/.cache/ like the build's, so a rebuild shows them too.
 */
export class MapService {
  private constructor(
    private readonly images: RunImage[],
    private readonly reader: ImageReader,
    private readonly cache: FeatureCache,
    private readonly pool: LayoutPool,
  ) {}

  /** Undefined when the explorer was built without features (nothing to compute from). */
  static async open(dir: string): Promise<MapService | undefined> {
    const file = join(dir, SERVE_SETTINGS);
    if (!existsSync(file)) return undefined;
    const s = JSON.parse(await readFile(file, 'utf8')) as ServeSettings;
    const [{ images }, cache] = await Promise.all([listRun(s.run), FeatureCache.open(s.features)]);
    const pool = new LayoutPool();
    const layouts = new LayoutCache(join(dir, '.cache'), { seed: s.seed, epochs: s.epochs }, pool);
    return new MapService(images, new ImageReader({ run: s.run, dir, cache, layouts, maxMaps: Infinity }), cache, pool);
  }

  /** The concept map of image `i` (the explorer's order), or why there is none. */
  async map(i: number): Promise<PageImage['map'] | string> {
    const image = this.images[i];
    if (!image) return `no image ${i} in this run`;
    return this.reader.conceptMap(image);
  }

  async close(): Promise<void> {
    await this.pool.close();
    await this.cache.close();
  }
}
