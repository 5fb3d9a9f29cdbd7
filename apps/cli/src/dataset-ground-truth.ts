import { resolve } from 'node:path';
import { openDataset } from '@acseg/eval';
import type { GroundTruthSource } from '@acseg/explorer';

/**
 * An explorer's ground truth read the way `acseg eval` reads it: the
 * dataset's own label files and class mapping, matched to the run's images
 * by file path (or by id). One map of the split's items, a path each.
 */
export async function datasetGroundTruth(name: string, root: string, split: string): Promise<GroundTruthSource> {
  const dataset = await openDataset(name, root, { split });
  const byImage = new Map(dataset.items.map((item) => [resolve(item.image), item]));
  const byId = new Map(dataset.items.map((item) => [item.id, item]));
  return {
    describe: `${dataset.name} ${dataset.split} (${resolve(root)})`,
    async get(image) {
      const item = (image.source ? byImage.get(resolve(image.source)) : undefined) ?? byId.get(image.id);
      if (!item) return `not an image of ${dataset.name} ${dataset.split}: ${image.source || image.id}`;
      return dataset.loadLabel(item);
    },
  };
}
