import type { Argv } from 'yargs';
import { AcsegError, DEFAULT_MAX_DECODED } from '@acseg/core';
import { OVERLAY_MAX_SIDE } from '@acseg/report';

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

/** --max-decoded: how many decoded images a run keeps alive at once (the pipeline's `maxDecoded`). */
export function decodeOptions<T>(a: Argv<T>) {
  return a.option('max-decoded', {
    type: 'number',
    describe: `decoded images alive at once at most (default ${DEFAULT_MAX_DECODED}); lower it for very large photos (a 12 MP photo is 36 MB decoded)`,
  });
}

/** --max-decoded as given, checked before any work: a whole number ≥ 1, or undefined for the default. */
export function checkMaxDecoded(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!(Number.isInteger(value) && value >= 1)) {
    throw new AcsegError('BAD_CONFIG', `--max-decoded ${value}: give a whole number ≥ 1 (decoded images alive at once)`, {
      hint: `the default is ${DEFAULT_MAX_DECODED}`,
    });
  }
  return value;
}

/** --overlay-size as given, checked before any work: a whole number of pixels ≥ 0 (0: overlays at full size), or undefined. */
export function checkOverlaySize(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!(Number.isInteger(value) && value >= 0)) {
    throw new AcsegError('BAD_CONFIG', `--overlay-size ${value}: give a whole number of pixels ≥ 0 (the overlays' longest side; 0: full size)`, {
      hint: `the default is ${OVERLAY_MAX_SIDE}`,
    });
  }
  return value;
}
