import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const samples = join(repoRoot, 'samples');
const heic = join(repoRoot, 'packages/image-io/src/testing/fixtures/heic/pattern.heic');
const tinyDino = join(repoRoot, 'packages/backbone-dino/src/testing/fixtures/tiny-hub');

/** A valid 24-bit BMP of 8×8 grey pixels: a real image in a format libvips does not read. */
function bmp(): Buffer {
  const file = Buffer.alloc(54 + 24 * 8, 128);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(54, 10);
  file.writeUInt32LE(40, 14);
  file.writeInt32LE(8, 18);
  file.writeInt32LE(8, 22);
  file.writeUInt16LE(1, 26);
  file.writeUInt16LE(24, 28);
  file.writeUInt32LE(0, 30);
  file.writeUInt32LE(24 * 8, 34);
  return file;
}

describe('a photo folder as users keep one: HEIC photos, a BMP, a subfolder', () => {
  it('segments the HEIC photo (outputs and thumbnail), names and skips the BMP, names the subfolder it does not read', () => {
    const dir = tempDir('acseg-photos-');
    copyFileSync(join(samples, 'beach.jpg'), join(dir, 'beach.jpg'));
    copyFileSync(heic, join(dir, 'IMG_0001.HEIC'));
    writeFileSync(join(dir, 'scan.bmp'), bmp());
    const whole = readFileSync(heic);
    writeFileSync(join(dir, 'cut.heic'), whole.subarray(0, Math.floor(whole.length * 0.7)));
    mkdirSync(join(dir, '2019'));
    copyFileSync(join(samples, 'street.jpg'), join(dir, '2019', 'street.jpg'));
    for (const backbone of [
      ['--backbone', 'handcrafted'],
      ['--backbone', 'dino', '--model', tinyDino],
    ]) {
      const out = join(tempDir(), 'o');
      const r = acseg(['segment', '--images', dir, '--out', out, ...backbone, '--generator', 'kmeans', '--quiet']);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toContain(`${dir}: 1 subfolder not read (2019): --images reads the images in one folder (--recursive: and in its subfolders)`);
      expect(r.stdout).toContain('segmented 2 of 4 images');
      expect(r.stdout).toContain(`skipped ${join(dir, 'cut.heic')}: cannot decode the image (HEIF processing error)`);
      expect(r.stdout).toContain(`skipped ${join(dir, 'scan.bmp')}: a BMP image, a format the decoder (libvips) does not read`);
      for (const f of ['IMG_0001.png', 'IMG_0001.overlay.png', 'IMG_0001.json', 'thumbs/IMG_0001.jpg', 'beach.png'])
        expect(existsSync(join(out, f)), f).toBe(true);
      expect(existsSync(join(out, 'street.png'))).toBe(false);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/Decoding image failed|bad seek/);
    }
    // --recursive: the subfolder's images too, named after their files; of two with one name, the first in path order
    // keeps it ("2019/beach.jpg" sorts before "beach.jpg").
    copyFileSync(join(samples, 'fruit.jpg'), join(dir, '2019', 'beach.jpg'));
    const out = join(tempDir(), 'o');
    const r = acseg(['segment', '--images', dir, '--recursive', '--out', out, '--backbone', 'handcrafted', '--generator', 'kmeans', '--quiet']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain('segmented 4 of 6 images');
    expect(r.stderr).not.toContain('subfolder');
    const source = (id: string) => (JSON.parse(readFileSync(join(out, `${id}.json`), 'utf8')) as { source: string }).source;
    expect([source('street'), source('beach'), source('beach-2')]).toEqual([
      join(dir, '2019', 'street.jpg'),
      join(dir, '2019', 'beach.jpg'),
      join(dir, 'beach.jpg'),
    ]);
  });

  it('$ACSEG_HEIC_THREADS: HEIC photos two at a time give the outputs of one at a time; a bad value is one error first', () => {
    const dir = tempDir('acseg-heic-threads-');
    for (const name of ['a', 'b', 'c']) copyFileSync(heic, join(dir, `${name}.heic`));
    const labels: Buffer[][] = [];
    for (const threads of ['1', '2']) {
      const out = join(tempDir(), 'o');
      const r = acseg(['segment', '--images', dir, '--out', out, '--backbone', 'handcrafted', '--generator', 'kmeans', '--quiet'], repoRoot, {
        ACSEG_HEIC_THREADS: threads,
      });
      expect(r.status, r.stderr).toBe(0);
      labels.push(['a', 'b', 'c'].map((id) => readFileSync(join(out, `${id}.png`))));
    }
    for (let i = 0; i < 3; i++) expect(labels[1][i].equals(labels[0][i])).toBe(true);
    const out = join(tempDir(), 'bad');
    const bad = acseg(['segment', '--images', dir, '--out', out, '--generator', 'kmeans'], repoRoot, { ACSEG_HEIC_THREADS: 'many' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('ACSEG_HEIC_THREADS must be a whole number of threads from 1 to 64, got "many"');
    expect(existsSync(out)).toBe(false);
  });
});
