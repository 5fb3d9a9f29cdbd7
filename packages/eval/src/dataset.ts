import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AcsegError, type RgbImage } from '@acseg/core';
import type { LabelMap } from './label.js';
import type { ImageTransform } from './report.js';

export interface DatasetItem {
  id: string;
  /** Path of the image file. */
  image: string;
  /** Path of the ground-truth label PNG. */
  label: string;
}

/** An item left out when the dataset was opened (its image or label file is missing). */
export interface DatasetProblem {
  id: string;
  error: AcsegError;
}

export interface Dataset {
  /** "voc", "camvid", "cocostuff27". */
  name: string;
  split: string;
  root: string;
  /** Index = class id. */
  classNames: string[];
  ignoreIndex: 255;
  /** Class 0 is background (VOC). */
  hasBackground: boolean;
  items: DatasetItem[];
  /** Items of the split list left out because a file is missing; the rest go on. */
  problems: DatasetProblem[];
  /**
   * The item's ground truth at evaluation resolution (COCO-Stuff: mapped and
   * cropped), checked: an unreadable file, a size unlike the image's, or a
   * value outside the classes throws an AcsegError naming the file.
   */
  loadLabel(item: DatasetItem): Promise<LabelMap>;
  /**
   * The image the pipeline must see when it is not the file itself
   * (COCO-Stuff: short side 320 + centre crop). Absent: use `item.image`.
   */
  preprocessImage?(item: DatasetItem): Promise<RgbImage>;
  /** What `preprocessImage` does to the item's image, for reports. */
  imageTransform?(item: DatasetItem): Promise<ImageTransform | undefined>;
}

export interface OpenOptions {
  /** Split name: "train" or "val" (default "val"). */
  split?: string;
  /** Only the first N usable items of the split, in list order (a quick check; `openDataset` applies it). */
  limit?: number;
}

/** The dataset root itself: a missing or non-folder root is said as such, not as its first missing subfolder. */
function requireRoot(root: string, dataset: string, hint: string): void {
  if (!existsSync(root)) throw new AcsegError('BAD_DATASET', `${dataset} root ${root} does not exist`, { file: root, hint });
  if (!statSync(root).isDirectory()) throw new AcsegError('BAD_DATASET', `${dataset} root ${root} is a file, not a folder`, { file: root, hint });
}

export function requireDir(root: string, sub: string, dataset: string, hint: string): string {
  requireRoot(root, dataset, hint);
  const dir = join(root, sub);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new AcsegError('BAD_DATASET', `${root} is not a ${dataset} root: ${sub}/ is missing`, { file: dir, hint });
  }
  return dir;
}

/** Ids of a split list: one per line, blank lines and surrounding spaces ignored. */
export async function readIdList(file: string, dataset: string, hint?: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const others = splitListsIn(dirname(file));
      throw new AcsegError('BAD_DATASET', `${file}: cannot read the ${dataset} split list: the file does not exist`, {
        file,
        cause: e,
        hint: others.length ? `split lists there: ${others.join(', ')}` : hint,
      });
    }
    // The system message names the file again: keep only its reason.
    throw new AcsegError('BAD_DATASET', `${file}: cannot read the ${dataset} split list (${code ?? (e as Error).message})`, { file, hint, cause: e });
  }
  const ids = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (ids.length === 0) throw new AcsegError('BAD_DATASET', `${file}: the ${dataset} split list is empty`, { file });
  return ids;
}

/** Split names of the .txt lists in a folder (for hints). */
function splitListsIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.txt'))
      .map((f) => f.slice(0, -4))
      .sort();
  } catch {
    return [];
  }
}

/** Keeps items whose files exist; the others become problems. Throws when none is left. */
export function checkItems(candidates: DatasetItem[], dataset: string, split: string, root: string): { items: DatasetItem[]; problems: DatasetProblem[] } {
  const items: DatasetItem[] = [];
  const problems: DatasetProblem[] = [];
  for (const it of candidates) {
    const missing = !existsSync(it.image) ? it.image : !existsSync(it.label) ? it.label : undefined;
    if (missing)
      problems.push({ id: it.id, error: new AcsegError('BAD_DATASET', `${missing}: missing (${dataset} ${split} item ${it.id})`, { file: missing }) });
    else items.push(it);
  }
  if (items.length === 0) {
    throw new AcsegError('BAD_DATASET', `${root}: no usable ${dataset} ${split} item (${problems.length} listed, all missing files)`, {
      file: root,
      hint: problems[0] ? problems[0].error.message : undefined,
    });
  }
  return { items, problems };
}

/** Compares a label's size with its image's header. */
export function checkSameSize(label: LabelMap, image: { width?: number; height?: number }, item: DatasetItem): void {
  if (image.width !== label.width || image.height !== label.height) {
    throw new AcsegError('BAD_DATASET', `${item.label}: label is ${label.width}×${label.height} but image ${item.image} is ${image.width}×${image.height}`, {
      file: item.label,
    });
  }
}
