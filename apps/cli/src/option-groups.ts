import type { Argv } from 'yargs';

/** What --image-size means wherever a ViT backbone is run. */
const IMAGE_SIZE = 'ViT backbone input: a side S (S×S, default 224, paper §4.1) or HxW, multiples of the patch size';

/** --backbone, --model, --image-size: the three flags chooseBackbone reads, worded for the command that adds them. */
export function backboneOptions<T>(a: Argv<T>, describe: { backbone?: string; model: string }) {
  return a
    .option('backbone', { type: 'string', describe: describe.backbone })
    .option('model', { type: 'string', describe: describe.model })
    .option('image-size', { type: 'string', describe: IMAGE_SIZE });
}

/** --dataset, --root, --split: a labelled dataset split as openDataset reads it. */
export function datasetOptions<T>(a: Argv<T>, describe: { dataset: string; root: string; split: string }, split: string) {
  return a
    .option('dataset', { type: 'string', choices: ['voc', 'cocostuff27', 'camvid'], describe: describe.dataset })
    .option('root', { type: 'string', describe: describe.root })
    .option('split', { type: 'string', default: split, describe: describe.split });
}
