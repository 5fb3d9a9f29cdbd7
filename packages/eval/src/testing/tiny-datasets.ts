/**
 * Tiny datasets in the VOC 2012 and CamVid layouts, written by tests into a temp folder (the real ones are
 * not in the repo). Each scene is a background with a few rectangles of random classes, each ringed by a
 * 1-pixel void (255) border as VOC draws them; the JPEG paints every class in its own colour, so features
 * can find the regions. The label arrays come back so tests can count pixels independently of the readers.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { mulberry32 } from '@acseg/random';
import { writeGreyPng, writePalettePng } from './files.js';

export interface TinyItem {
  id: string;
  width: number;
  height: number;
  /** Class per pixel (row-major), 255 = void. */
  label: Uint8Array;
}

export interface TinySplits {
  [split: string]: TinyItem[];
}

/** Split name → sizes (width × height) of its images, in list order. */
export type TinyLayout = Record<string, Array<[number, number]>>;

/** VOC's 256-colour palette (the bit-interleaving of VOCdevkit's labelcolormap). */
export function vocPalette(): Array<[number, number, number]> {
  return Array.from({ length: 256 }, (_, i) => {
    const rgb: [number, number, number] = [0, 0, 0];
    for (let j = 0, c = i; j < 8; j++, c >>= 3) for (let k = 0; k < 3; k++) rgb[k] |= ((c >> k) & 1) << (7 - j);
    return rgb;
  });
}

/** A scene: `background` everywhere, then 1..3 rectangles of classes drawn from `objects`, each ringed by void. */
function scene(next: () => number, width: number, height: number, background: number, objects: readonly number[]): Uint8Array {
  const label = new Uint8Array(width * height).fill(background);
  const count = 1 + Math.floor(next() * 3);
  for (let r = 0; r < count; r++) {
    const w = 4 + Math.floor(next() * (width / 2));
    const h = 4 + Math.floor(next() * (height / 2));
    const x0 = Math.floor(next() * (width - w));
    const y0 = Math.floor(next() * (height - h));
    const cls = objects[Math.floor(next() * objects.length)];
    for (let y = y0; y < y0 + h; y++) {
      for (let x = x0; x < x0 + w; x++) {
        const edge = y === y0 || x === x0 || y === y0 + h - 1 || x === x0 + w - 1;
        label[y * width + x] = edge ? 255 : cls;
      }
    }
  }
  return label;
}

async function writeSceneJpeg(file: string, item: TinyItem, colour: (cls: number) => [number, number, number]): Promise<void> {
  const data = new Uint8Array(item.width * item.height * 3);
  item.label.forEach((cls, p) => data.set(colour(cls), p * 3));
  await sharp(Buffer.from(data), { raw: { width: item.width, height: item.height, channels: 3 } })
    .jpeg({ quality: 95 })
    .toFile(file);
}

function makeItems(layout: TinyLayout, seed: number, background: (next: () => number) => number, objects: readonly number[]): TinySplits {
  const next = mulberry32(seed);
  const out: TinySplits = {};
  for (const [split, sizes] of Object.entries(layout)) {
    out[split] = sizes.map(([width, height], i) => ({
      id: `${split}_${String(i).padStart(3, '0')}`,
      width,
      height,
      label: scene(next, width, height, background(next), objects),
    }));
  }
  return out;
}

/**
 * VOC 2012 layout under `root`: JPEGImages/ID.jpg, SegmentationClass/ID.png (palette PNG, index = class),
 * ImageSets/Segmentation/SPLIT.txt. Background 0, objects 1..20.
 */
export async function writeTinyVoc(root: string, layout: TinyLayout, seed = 1): Promise<TinySplits> {
  const splits = makeItems(
    layout,
    seed,
    () => 0,
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  const palette = vocPalette();
  await mkdir(join(root, 'ImageSets', 'Segmentation'), { recursive: true });
  await mkdir(join(root, 'JPEGImages'), { recursive: true });
  for (const [split, items] of Object.entries(splits)) {
    await writeFile(join(root, 'ImageSets', 'Segmentation', `${split}.txt`), items.map((it) => `${it.id}\n`).join(''));
    for (const it of items) {
      await writeSceneJpeg(join(root, 'JPEGImages', `${it.id}.jpg`), it, (c) => palette[c]);
      await writePalettePng(join(root, 'SegmentationClass', `${it.id}.png`), it.width, it.height, palette, it.label);
    }
  }
  return splits;
}

/**
 * CamVid layout under `root`: SPLIT/ID.jpg, SPLITannot/ID.png (grey, value = class), SPLIT.txt.
 * Backgrounds among Sky, Building, Road (0, 1, 3); objects among all 11 classes.
 */
export async function writeTinyCamVid(root: string, layout: TinyLayout, seed = 2): Promise<TinySplits> {
  const splits = makeItems(
    layout,
    seed,
    (next) => [0, 1, 3][Math.floor(next() * 3)],
    Array.from({ length: 11 }, (_, i) => i),
  );
  const palette = vocPalette();
  for (const [split, items] of Object.entries(splits)) {
    await mkdir(join(root, split), { recursive: true });
    await writeFile(join(root, `${split}.txt`), items.map((it) => `${it.id}\n`).join(''));
    for (const it of items) {
      await writeSceneJpeg(join(root, split, `${it.id}.jpg`), it, (c) => palette[(c + 1) % 256]);
      await writeGreyPng(join(root, `${split}annot`, `${it.id}.png`), it.width, it.height, it.label);
    }
  }
  return splits;
}
