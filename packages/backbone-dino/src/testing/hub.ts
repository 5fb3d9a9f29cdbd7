import { listModels as listIn, pullModel as pullFrom, type CachedModel, type PullOptions, type PullResult } from '@acseg/model-hub';
import { DINO_MODELS } from '../models/catalog.js';

/** The hub's pull over this plugin's declared models, as `acseg models pull` does with every plugin's. */
export function pullModel(name: string, opts: PullOptions = {}): Promise<PullResult> {
  return pullFrom(name, { ...opts, models: DINO_MODELS });
}

/** The hub's list, judged against this plugin's declared models. */
export function listModels(cacheDir: string): Promise<CachedModel[]> {
  return listIn(cacheDir, DINO_MODELS);
}
