import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { CLASS_PRESETS } from '@acseg/core';
import { checkItems, readIdList, requireDir, type Dataset, type OpenOptions } from '../dataset.js';
import { indexPngDataset } from '../label.js';

/** CamVid, SegNet's 11 classes (index = grey value of the annotation PNG; 255 = void; core's `camvid` preset). */
export const CAMVID_CLASSES: string[] = [...CLASS_PRESETS.camvid];

const CAMVID_HINT = 'point --root at the CamVid folder holding train/, trainannot/, val/, valannot/ and train.txt, val.txt';

/**
 * CamVid layout (SegNet split, ../shared/datasets/camvid): `SPLIT/ID.jpg`
 * (or .png), `SPLITannot/ID.png` (8-bit grey, value = class 0..10,
 * 255 = void), `SPLIT.txt`. No background class.
 */
export async function openCamVid(root: string, options: OpenOptions = {}): Promise<Dataset> {
  const split = options.split ?? 'val';
  const images = requireDir(root, split, 'CamVid', CAMVID_HINT);
  const labels = requireDir(root, `${split}annot`, 'CamVid', CAMVID_HINT);
  const ids = await readIdList(join(root, `${split}.txt`), 'CamVid', CAMVID_HINT);
  const imageOf = (id: string): string => {
    const jpg = join(images, `${id}.jpg`);
    const png = join(images, `${id}.png`);
    return existsSync(jpg) || !existsSync(png) ? jpg : png;
  };
  const checked = checkItems(
    ids.map((id) => ({ id, image: imageOf(id), label: join(labels, `${id}.png`) })),
    'CamVid',
    split,
    root,
  );
  return indexPngDataset('camvid', split, root, CAMVID_CLASSES, false, checked);
}
