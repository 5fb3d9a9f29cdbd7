import { AcsegError } from '@acseg/core';
import type { Dataset } from '../dataset.js';
import { openCamVid } from './camvid.js';
import { openCocoStuff27, type CocoOpenOptions } from './cocostuff.js';
import { openVoc } from './voc.js';

export const DATASET_NAMES = ['voc', 'cocostuff27', 'camvid'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Opens a dataset by name ("voc", "cocostuff27" (alias "coco"), "camvid"); `limit` keeps the first N items. */
export async function openDataset(name: string, root: string, options: CocoOpenOptions = {}): Promise<Dataset> {
  const { limit } = options;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new AcsegError('BAD_CONFIG', `limit: expected a whole number ≥ 1, got ${limit}`);
  const dataset = await open(name, root, options);
  if (limit !== undefined) dataset.items = dataset.items.slice(0, limit);
  return dataset;
}

function open(name: string, root: string, options: CocoOpenOptions): Promise<Dataset> {
  switch (name.toLowerCase()) {
    case 'voc':
    case 'voc2012':
      return openVoc(root, options);
    case 'camvid':
      return openCamVid(root, options);
    case 'coco':
    case 'cocostuff':
    case 'cocostuff27':
    case 'coco-stuff-27':
      return openCocoStuff27(root, options);
    default:
      throw new AcsegError('BAD_CONFIG', `unknown dataset "${name}". Available datasets: ${DATASET_NAMES.join(', ')}`);
  }
}
