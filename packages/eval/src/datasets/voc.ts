import { join } from 'node:path';
import { CLASS_PRESETS } from '@acseg/core';
import { checkItems, readIdList, requireDir, type Dataset, type OpenOptions } from '../dataset.js';
import { indexPngDataset } from '../label.js';

/** PASCAL VOC 2012 class names, index = palette index of SegmentationClass (core's `voc` preset). */
export const VOC_CLASSES: string[] = [...CLASS_PRESETS.voc];

const VOC_HINT = 'point --root at the VOC2012 folder holding JPEGImages/, SegmentationClass/ and ImageSets/Segmentation/';

/**
 * PASCAL VOC 2012 layout: `JPEGImages/ID.jpg`, `SegmentationClass/ID.png`
 * (palette PNG, index = class, 255 = void), `ImageSets/Segmentation/SPLIT.txt`.
 * 21 classes with background; evaluated at the original resolution.
 */
export async function openVoc(root: string, options: OpenOptions = {}): Promise<Dataset> {
  const split = options.split ?? 'val';
  const images = requireDir(root, 'JPEGImages', 'VOC 2012', VOC_HINT);
  const labels = requireDir(root, 'SegmentationClass', 'VOC 2012', VOC_HINT);
  const lists = requireDir(root, join('ImageSets', 'Segmentation'), 'VOC 2012', VOC_HINT);
  const ids = await readIdList(join(lists, `${split}.txt`), 'VOC 2012', `splits are the .txt files in ${lists}`);
  const checked = checkItems(
    ids.map((id) => ({ id, image: join(images, `${id}.jpg`), label: join(labels, `${id}.png`) })),
    'VOC 2012',
    split,
    root,
  );
  return indexPngDataset('voc', split, root, VOC_CLASSES, true, checked);
}
