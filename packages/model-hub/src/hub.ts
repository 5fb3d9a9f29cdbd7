import type { CachedModelFolder, ModelHub, ModelSpec } from '@acseg/core';
import { defaultCacheDir } from './cache-dir.js';
import { findIn, getIn, type ModelCatalog } from './catalog.js';
import { listModels, type CachedModel } from './list.js';
import type { PullOptions, PullResult } from './pull.js';
import { resolveCached } from './resolve.js';

export interface ModelHubOptions {
  /** Default: defaultCacheDir(). */
  cacheDir?: string;
  /** The declared models (catalogFromPlugins of the loaded plugins). */
  models: ModelCatalog;
  /** Default: `$HF_ENDPOINT`, else https://huggingface.co. */
  hubUrl?: string;
}

/** The model hub of one run: core's `ModelHub` service over a catalog and a cache folder, with list and pull for the CLI. */
export class CacheModelHub implements ModelHub {
  readonly cacheDir: string;
  readonly models: ModelCatalog;
  private readonly hubUrl?: string;

  constructor(opts: ModelHubOptions) {
    this.cacheDir = opts.cacheDir ?? defaultCacheDir();
    this.models = opts.models;
    this.hubUrl = opts.hubUrl;
  }

  find(name: string): ModelSpec | undefined {
    return findIn(this.models, name);
  }

  names(): string[] {
    return Object.keys(this.models);
  }

  async resolve(name: string, opts: { revision?: string } = {}): Promise<CachedModelFolder> {
    return resolveCached(getIn(this.models, name), { cacheDir: this.cacheDir, revision: opts.revision, hubUrl: this.hubUrl });
  }

  list(): Promise<CachedModel[]> {
    return listModels(this.cacheDir, this.models);
  }

  /** Downloads a declared model (the Hub client loads here, not for list or resolve). */
  async pull(name: string, opts: Omit<PullOptions, 'models' | 'cacheDir'> = {}): Promise<PullResult> {
    const { pullModel } = await import('./pull.js');
    return pullModel(name, { hubUrl: this.hubUrl, ...opts, models: this.models, cacheDir: this.cacheDir });
  }
}
