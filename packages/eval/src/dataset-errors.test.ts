import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcsegError } from '@acseg/core';
import { openDataset } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-eval-errors-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as AcsegError,
  );

describe('dataset roots and split lists: what is wrong, each path said once', () => {
  it('a root that does not exist, or is a file, is said so for every dataset (not as its first missing subfolder)', async () => {
    const missing = join(dir, 'nope');
    const file = join(dir, 'file.txt');
    await writeFile(file, 'x');
    for (const [name, label] of [
      ['voc', 'VOC 2012'],
      ['camvid', 'CamVid'],
      ['cocostuff27', 'COCO-Stuff'],
    ]) {
      expect((await failure(openDataset(name, missing)))?.message).toBe(`${label} root ${missing} does not exist`);
      expect((await failure(openDataset(name, file)))?.message).toBe(`${label} root ${file} is a file, not a folder`);
    }
  });

  it('a missing split list is named with the lists that are there, without the raw system message', async () => {
    const root = join(dir, 'voc');
    for (const sub of ['JPEGImages', 'SegmentationClass', join('ImageSets', 'Segmentation')]) await mkdir(join(root, sub), { recursive: true });
    await writeFile(join(root, 'ImageSets', 'Segmentation', 'val.txt'), 'a\n');
    const list = join(root, 'ImageSets', 'Segmentation', 'train.txt');
    const e = await failure(openDataset('voc', root, { split: 'train' }));
    expect(e?.message).toBe(`${list}: cannot read the VOC 2012 split list: the file does not exist`);
    expect(e?.hint).toBe('split lists there: val');
    expect(e?.file).toBe(list);
  });
});

describe('openDataset limit', () => {
  it('keeps the first N usable items in list order, and refuses a limit that is not a whole number ≥ 1', async () => {
    const root = join(dir, 'camvid');
    const ids = ['c', 'a', 'gone', 'b', 'd'];
    await mkdir(join(root, 'val'), { recursive: true });
    await mkdir(join(root, 'valannot'), { recursive: true });
    await writeFile(join(root, 'val.txt'), ids.join('\n'));
    for (const id of ids.filter((i) => i !== 'gone')) {
      await writeFile(join(root, 'val', `${id}.jpg`), 'x');
      await writeFile(join(root, 'valannot', `${id}.png`), 'x');
    }
    expect((await openDataset('camvid', root)).items.map((i) => i.id)).toEqual(['c', 'a', 'b', 'd']);
    expect((await openDataset('camvid', root, { limit: 3 })).items.map((i) => i.id)).toEqual(['c', 'a', 'b']);
    expect((await openDataset('camvid', root, { limit: 10 })).items).toHaveLength(4);
    for (const bad of [0, 1.5, -2]) await expect(openDataset('camvid', root, { limit: bad })).rejects.toThrow(/limit: expected a whole number ≥ 1/);
  });
});
