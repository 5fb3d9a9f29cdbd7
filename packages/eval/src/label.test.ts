import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabelPng } from './label.js';
import { writeGreyPng, writePalettePng } from './testing/files.js';

describe('readLabelPng', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'acseg-eval-png-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('returns palette indices, not colours, for a palette PNG with an arbitrary palette', async () => {
    const palette: Array<[number, number, number]> = [[255, 255, 255], [0, 0, 0], [10, 20, 30], [0, 0, 0], [200, 0, 0]];
    const file = join(dir, 'p.png');
    // Index 3 repeats index 1's colour: the lowest index (1) wins.
    await writePalettePng(file, 3, 2, palette, [0, 1, 2, 4, 3, 0]);
    const l = await readLabelPng(file);
    expect([l.width, l.height]).toEqual([3, 2]);
    expect(Array.from(l.data)).toEqual([0, 1, 2, 4, 1, 0]);
  });
  it('returns grey values for a grey PNG', async () => {
    const file = join(dir, 'g.png');
    await writeGreyPng(file, 2, 2, [0, 10, 181, 255]);
    expect(Array.from((await readLabelPng(file)).data)).toEqual([0, 10, 181, 255]);
  });
  it('names the file that is missing or not a PNG', async () => {
    await expect(readLabelPng(join(dir, 'none.png'))).rejects.toThrow(/none\.png: cannot read the label file/);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'x.png'), 'hello');
    await expect(readLabelPng(join(dir, 'x.png'))).rejects.toThrow(/x\.png: not a PNG file/);
  });
});
