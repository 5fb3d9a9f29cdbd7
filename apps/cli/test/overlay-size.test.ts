import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decode } from 'fast-png';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { VOC_PALETTE } from '@acseg/report';
import { acseg, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

async function picture(path: string, width: number, height: number): Promise<void> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(x < width / 2 ? [200, 40, 30] : [20, 90, 210 - (y % 40)], 3 * (y * width + x));
  await sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(path);
}

/** A temp folder with `images/<name>.png` of each size, and `segment`'s arguments over it (weight-free, k-means). */
async function folder(prefix: string, images: Record<string, [number, number]>): Promise<{ dir: string; segment: string[] }> {
  const dir = tempDir(prefix);
  await mkdir(join(dir, 'images'));
  for (const [name, [w, h]] of Object.entries(images)) await picture(join(dir, 'images', `${name}.png`), w, h);
  return { dir, segment: ['segment', '--images', join(dir, 'images'), '--backbone', 'handcrafted', '--generator', 'kmeans', '--k', '2'] };
}

const size = async (file: string) => {
  const m = await sharp(file).metadata();
  return [m.width, m.height];
};

describe('--overlay-size', () => {
  it('draws a large image its overlay at a size that fits, keeping its label and region maps at full size', async () => {
    const { dir, segment } = await folder('acseg-overlay-size-', { large: [300, 200], small: [64, 48] });
    const out = join(dir, 'out');
    const r = acseg([...segment, '--quiet', '--out', out, '--overlay-size', '100']);
    expect(r.status, r.stderr).toBe(0);
    expect(await size(join(out, 'large.overlay.png'))).toEqual([100, 67]);
    expect(await size(join(out, 'large.png'))).toEqual([300, 200]);
    expect(await size(join(out, 'large.regions.png'))).toEqual([300, 200]);
    expect(await size(join(out, 'small.overlay.png'))).toEqual([64, 48]);
    // Its pixels, independently: the photo resized by libvips (lanczos3), each pixel's class from the full-size label
    // map at its centre, blended half and half with that class's VOC colour (255: the photo as it is).
    const labels = decode(readFileSync(join(out, 'large.png')));
    expect([labels.width, labels.channels]).toEqual([300, 1]);
    const photo = await sharp(join(dir, 'images', 'large.png'))
      .resize(100, 67, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer();
    const overlay = await sharp(join(out, 'large.overlay.png')).raw().toBuffer();
    const expected = Buffer.alloc(100 * 67 * 3);
    for (let y = 0; y < 67; y++)
      for (let x = 0; x < 100; x++) {
        const c = labels.data[Math.floor(((y + 0.5) * 200) / 67) * 300 + Math.floor(((x + 0.5) * 300) / 100)];
        for (let ch = 0; ch < 3; ch++) {
          const p = photo[(y * 100 + x) * 3 + ch];
          expected[(y * 100 + x) * 3 + ch] = c === 255 ? p : (p + VOC_PALETTE[c][ch] + 1) >> 1;
        }
      }
    expect(overlay.equals(expected)).toBe(true);
    // The default keeps both at full size.
    const full = join(dir, 'full');
    expect(acseg([...segment, '--quiet', '--out', full]).status).toBe(0);
    expect(await size(join(full, 'large.overlay.png'))).toEqual([300, 200]);
  });

  it('refuses a size that is not a whole number ≥ 0 before any work', () => {
    const dir = tempDir('acseg-overlay-size-bad-');
    const out = join(dir, 'out');
    for (const bad of ['-3', '1.5']) {
      const r = acseg(['segment', '--images', dir, '--out', out, '--backbone', 'handcrafted', '--generator', 'kmeans', '--overlay-size', bad]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(`--overlay-size ${bad}: give a whole number of pixels ≥ 0`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe('decoded images of large photos', () => {
  it('keeps fewer decoded at once by default, sized from the headers and said in a line; --max-decoded overrides', async () => {
    const { dir, segment } = await folder('acseg-large-photos-', { photo: [3000, 2000], frame: [64, 48] });
    const r = acseg([...segment, '--out', join(dir, 'out')]);
    expect(r.status, r.stderr).toBe(0);
    // 18 MB decoded: 7 of them fit in 128 MiB.
    expect(r.stderr).toContain('images up to 3000×2000 (17 MiB decoded): at most 7 decoded at once (--max-decoded to change)');
    const given = acseg([...segment, '--out', join(dir, 'given'), '--max-decoded', '20']);
    expect(given.status, given.stderr).toBe(0);
    expect(given.stderr).not.toContain('decoded at once');
  });
});
