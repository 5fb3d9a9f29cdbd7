import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AcsegError, toAcsegError, type RgbImage } from '@acseg/core';
import { cropRgb, decodeImage, readImageSize } from '@acseg/image-io';
import { checkItems, checkSameSize, readIdList, requireDir, type Dataset, type DatasetItem, type OpenOptions } from '../dataset.js';
import { checkLabelRange, readLabelPng, type LabelMap } from '../label.js';
import type { ImageTransform } from '../report.js';
import { resizeCropNearest, shortSideCrop } from '../transform.js';

/** The protocol files shipped with this package (copied from ../shared/datasets/cocostuff27). */
export const COCO_DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'cocostuff27');

export interface CocoMapping {
  /** fine_to_coarse[v]: stuffthingmaps value v (0..181) → coarse class 0..26. */
  fineToCoarse: number[];
  coarseNames: string[];
}

export interface CocoOpenOptions extends OpenOptions {
  /**
   * Which ids: "curated" (default; the IIC/PiCIE/STEGO list
   * Coco164kFull_Stuff_Coarse_7: 2175 val, 49629 train), "all" (every
   * image in the folder), or the path of an id list.
   */
  ids?: 'curated' | 'all' | string;
  /** Evaluation size: short side resized to it, then a centre crop of size × size (default 320, method notes §6). */
  size?: number;
  /** mapping.json with `fine_to_coarse` and `coarse_names` (default: the bundled one). */
  mappingFile?: string;
}

const COCO_HINT = 'expected ROOT/images/{train2017,val2017}/ID.jpg and ROOT/annotations/{train2017,val2017}/ID.png (COCO-Stuff stuffthingmaps)';

export async function loadCocoMapping(file = join(COCO_DATA_DIR, 'mapping.json')): Promise<CocoMapping> {
  let json: { fine_to_coarse?: unknown; coarse_names?: unknown };
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as typeof json;
  } catch (e) {
    throw toAcsegError(e, 'BAD_DATASET', { file, message: `${file}: cannot read the COCO-Stuff mapping` });
  }
  const f = json.fine_to_coarse;
  const names = json.coarse_names;
  if (!Array.isArray(f) || !Array.isArray(names) || names.length === 0 || !f.every((v) => Number.isInteger(v) && v >= 0 && v < names.length)) {
    throw new AcsegError('BAD_DATASET', `${file}: fine_to_coarse must be a list of class indices into coarse_names`, { file });
  }
  return { fineToCoarse: f as number[], coarseNames: (names as unknown[]).map(String) };
}

/** Maps fine stuffthingmaps values to coarse classes (255 stays void); the error names the file. */
export function fineToCoarse(label: LabelMap, mapping: CocoMapping, file: string): LabelMap {
  const lut = new Uint8Array(256).fill(254);
  mapping.fineToCoarse.forEach((c, v) => {
    lut[v] = c;
  });
  lut[255] = 255;
  const data = new Uint8Array(label.data.length);
  for (let p = 0; p < data.length; p++) {
    const c = lut[label.data[p]];
    if (c === 254)
      throw new AcsegError('BAD_DATASET', `${file}: value ${label.data[p]} is not a COCO-Stuff class (0..${mapping.fineToCoarse.length - 1}, 255 = void)`, {
        file,
      });
    data[p] = c;
  }
  return { width: label.width, height: label.height, data };
}

/**
 * COCO-Stuff-27 (Ji et al. IIC; PiCIE; STEGO): the 171 stuff+thing classes
 * of the stuffthingmaps (values 0..181) mapped to 27 coarse classes (things
 * 0..11, stuff 12..26, no background), images and labels resized (short
 * side 320; bilinear for images, nearest for labels) and centre-cropped
 * 320×320. `loadLabel` returns the transformed label and `preprocessImage`
 * the same crop of the image, so predictions line up with the label.
 */
export async function openCocoStuff27(root: string, options: CocoOpenOptions = {}): Promise<Dataset> {
  const split = options.split ?? 'val';
  const size = options.size ?? 320;
  const folder = /^(train|val)$/.test(split) ? `${split}2017` : split;
  const images = requireDir(root, join('images', folder), 'COCO-Stuff', COCO_HINT);
  const annotDir = ['annotations', 'stuffthingmaps'].map((d) => join(root, d, folder)).find((d) => existsSync(d));
  if (!annotDir) requireDir(root, join('annotations', folder), 'COCO-Stuff', COCO_HINT);
  const mapping = await loadCocoMapping(options.mappingFile);
  const which = options.ids ?? 'curated';
  let ids: string[];
  if (which === 'all')
    ids = readdirSync(images)
      .filter((f) => /\.jpe?g$/i.test(f))
      .map((f) => f.replace(/\.jpe?g$/i, ''))
      .sort();
  else if (which === 'curated') {
    const list = join(COCO_DATA_DIR, `curated_${folder}.txt`);
    if (!existsSync(list))
      throw new AcsegError('BAD_CONFIG', `no curated COCO-Stuff list for split "${split}" (train or val)`, {
        hint: 'pass ids: "all" or the path of an id list',
      });
    ids = await readIdList(list, 'COCO-Stuff');
  } else ids = await readIdList(which, 'COCO-Stuff');
  const { items, problems } = checkItems(
    ids.map((id) => ({ id, image: join(images, `${id}.jpg`), label: join(annotDir!, `${id}.png`) })),
    'COCO-Stuff',
    split,
    root,
  );
  const classes = mapping.coarseNames.length;

  const geometry = async (item: DatasetItem): Promise<Required<ImageTransform> & { width: number; height: number }> => {
    // As stored: the label maps ignore EXIF orientation.
    const { width, height } = await readImageSize(item.image, { autoOrient: false });
    return { width, height, ...shortSideCrop(width, height, size) };
  };

  return {
    name: 'cocostuff27',
    split,
    root,
    classNames: mapping.coarseNames,
    ignoreIndex: 255,
    hasBackground: false,
    items,
    problems,
    async loadLabel(item) {
      const fine = await readLabelPng(item.label);
      const g = await geometry(item);
      checkSameSize(fine, g, item);
      const coarse = fineToCoarse(fine, mapping, item.label);
      checkLabelRange(coarse, classes, item.label);
      return resizeCropNearest(coarse, g);
    },
    async preprocessImage(item): Promise<RgbImage> {
      const g = await geometry(item);
      // Resized as it is decoded, as this preprocessing has always been (decoding first moves some values by 1-2).
      const image = await decodeImage(item.image, { autoOrient: false, resize: { ...g.resize, kernel: 'linear' } });
      const { width, height, data } = cropRgb(image, g.crop);
      return { width, height, data, id: item.id };
    },
    async imageTransform(item) {
      const { resize, crop } = await geometry(item);
      return { resize, crop };
    },
  };
}
