import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { encode } from 'fast-png';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabelPng } from './label.js';
import { writeGreyPng, writePalettePng } from './testing/files.js';

describe('readLabelPng', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acseg-eval-png-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns palette indices, not colours, for a palette PNG with an arbitrary palette', async () => {
    const palette: Array<[number, number, number]> = [
      [255, 255, 255],
      [0, 0, 0],
      [10, 20, 30],
      [0, 0, 0],
      [200, 0, 0],
    ];
    const file = join(dir, 'p.png');
    // Index 3 repeats index 1's colour: the stored index is read, not the colour, so 3 stays 3.
    await writePalettePng(file, 3, 2, palette, [0, 1, 2, 4, 3, 0]);
    const l = await readLabelPng(file);
    expect([l.width, l.height]).toEqual([3, 2]);
    expect(Array.from(l.data)).toEqual([0, 1, 2, 4, 3, 0]);
  });
  it('unpacks palette indices stored in fewer than 8 bits a pixel', async () => {
    const file = join(dir, 'p2.png');
    // 5 × 2 pixels at 2 bits: rows are byte-aligned (2 bytes a row, the last 6 bits padding).
    const indices = [0, 1, 2, 3, 1, 3, 2, 1, 0, 2];
    const pack = (row: number[]) => [(row[0] << 6) | (row[1] << 4) | (row[2] << 2) | row[3], row[4] << 6];
    await writeFile(
      file,
      encode({
        width: 5,
        height: 2,
        depth: 2,
        channels: 1,
        palette: [
          [0, 0, 0],
          [9, 9, 9],
          [50, 0, 0],
          [0, 50, 0],
        ],
        data: Uint8Array.from([...pack(indices.slice(0, 5)), ...pack(indices.slice(5))]),
      }),
    );
    expect(Array.from((await readLabelPng(file)).data)).toEqual(indices);
  });
  it('refuses a 16-bit label PNG, naming it', async () => {
    const file = join(dir, 'g16.png');
    await writeFile(file, encode({ width: 2, height: 1, depth: 16, channels: 1, data: Uint16Array.from([1, 2]) }));
    await expect(readLabelPng(file)).rejects.toThrow(/g16\.png: label PNGs must be 8-bit, this one is 16-bit/);
  });
  it('returns grey values for a grey PNG', async () => {
    const file = join(dir, 'g.png');
    await writeGreyPng(file, 2, 2, [0, 10, 181, 255]);
    expect(Array.from((await readLabelPng(file)).data)).toEqual([0, 10, 181, 255]);
  });
  it('names the file that is missing or not a PNG', async () => {
    await expect(readLabelPng(join(dir, 'none.png'))).rejects.toThrow(/none\.png: cannot read the label file/);
    await writeFile(join(dir, 'x.png'), 'hello');
    await expect(readLabelPng(join(dir, 'x.png'))).rejects.toThrow(/x\.png: not a PNG file/);
  });
});
