import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcsegError } from '@acseg/core';
import { listImages } from './images.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-list-images-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function folder(name: string, files: string[], folders: string[] = []): Promise<string> {
  const root = join(dir, name);
  await mkdir(root, { recursive: true });
  for (const f of files) await writeFile(join(root, f), 'x');
  for (const d of folders) await mkdir(join(root, d, 'inner'), { recursive: true });
  return root;
}

describe('listImages: the images of one folder, sorted', () => {
  it('takes the image extensions in any case (iPhone HEIC included, BMP to be refused by name), leaves other files', async () => {
    const root = await folder('mixed', ['b.jpg', 'A.JPEG', 'c.png', 'IMG_0001.HEIC', 'd.heif', 'e.webp', 'f.bmp', 'notes.txt', 'README.md', '.DS_Store']);
    const notes: string[] = [];
    expect(listImages(root, { note: (m) => notes.push(m) }).map((p) => p.slice(root.length + 1))).toEqual([
      'A.JPEG',
      'IMG_0001.HEIC',
      'b.jpg',
      'c.png',
      'd.heif',
      'e.webp',
      'f.bmp',
    ]);
    expect(notes).toEqual([]);
  });

  it('says which subfolders it does not read (three named, then "..."), as one note', async () => {
    const root = await folder('years', ['cover.jpg'], ['2021', '2019', '2020', '2022']);
    const notes: string[] = [];
    expect(listImages(root, { note: (m) => notes.push(m) })).toEqual([join(root, 'cover.jpg')]);
    expect(notes).toEqual([
      `${root}: 4 subfolders not read (2019, 2020, 2021, ...): --images reads the images in one folder (--recursive: and in its subfolders)`,
    ]);
    const one = await folder('one', ['a.png'], ['old.jpg']);
    const said: string[] = [];
    // A folder named like an image is a folder: noted, not listed.
    expect(listImages(one, { note: (m) => said.push(m) })).toEqual([join(one, 'a.png')]);
    expect(said).toEqual([`${one}: 1 subfolder not read (old.jpg): --images reads the images in one folder (--recursive: and in its subfolders)`]);
  });

  it('names the camera RAW files it does not read, by kind, in one note', async () => {
    const root = await folder('camera', ['DSC_0001.NEF', 'DSC_0002.nef', 'IMG_0003.CR2', 'DSC_0001.JPG']);
    const notes: string[] = [];
    expect(listImages(root, { note: (m) => notes.push(m) })).toEqual([join(root, 'DSC_0001.JPG')]);
    expect(notes).toEqual([`${root}: 3 camera RAW files not read (.cr2, .nef): export them as JPEG (or TIFF) to segment them`]);
  });

  it('--recursive: every subfolder at any depth, sorted by relative path; hidden and NAS thumbnail folders left out', async () => {
    const root = await folder('library', ['cover.jpg', 'notes.txt']);
    for (const f of ['2019/IMG_0001.HEIC', '2019/trip/IMG_0001.jpg', '2020/a.png', '.trash/old.jpg', '@eaDir/cover.jpg/SYNOPHOTO_THUMB_M.jpg', '2020/x.nef']) {
      await mkdir(join(root, f, '..'), { recursive: true });
      await writeFile(join(root, f), 'x');
    }
    const notes: string[] = [];
    expect(listImages(root, { note: (m) => notes.push(m), recursive: true }).map((p) => p.slice(root.length + 1))).toEqual([
      '2019/IMG_0001.HEIC',
      '2019/trip/IMG_0001.jpg',
      '2020/a.png',
      'cover.jpg',
    ]);
    expect(notes).toEqual([`${root}: 1 camera RAW file not read (.nef): export them as JPEG (or TIFF) to segment them`]);
    // Without it, the same folder: its own image, and the subfolders that --recursive would read named.
    const flat: string[] = [];
    expect(listImages(root, { note: (m) => flat.push(m) })).toEqual([join(root, 'cover.jpg')]);
    expect(flat).toEqual([`${root}: 2 subfolders not read (2019, 2020): --images reads the images in one folder (--recursive: and in its subfolders)`]);
    const empty = await folder('empty-tree', ['a.txt'], ['x', 'y']);
    expect(() => listImages(empty, { recursive: true })).toThrow(/empty-tree holds no images \(nor do its subfolders\)/);
  });

  it('a folder of subfolders only: the note, then "holds no images"; a file is a list of one; a missing path is named', async () => {
    const root = await folder('nested-only', ['notes.txt'], ['trip']);
    const notes: string[] = [];
    let error: unknown;
    try {
      listImages(root, { note: (m) => notes.push(m) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AcsegError);
    expect((error as AcsegError).message).toMatch(/^.*nested-only holds no images \(looked for \.jpg .*\.heic/);
    expect(notes).toHaveLength(1);
    expect(listImages(join(dir, 'mixed', 'c.png'))).toEqual([join(dir, 'mixed', 'c.png')]);
    expect(() => listImages(join(dir, 'nowhere'))).toThrow(/nowhere does not exist/);
  });
});
