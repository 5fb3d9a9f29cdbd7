import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const samples = join(repoRoot, 'samples');
const tinyDino = join(repoRoot, 'packages/backbone-dino/src/testing/fixtures/tiny-hub');

/** The samples plus files a real folder might hold: a text file named .jpg and a truncated JPEG. */
function folderWithBadFiles(): string {
  const dir = tempDir('acseg-imgs-');
  for (const f of readdirSync(samples).filter((f) => f.endsWith('.jpg'))) copyFileSync(join(samples, f), join(dir, f));
  writeFileSync(join(dir, 'notes.jpg'), 'this is not an image');
  const jpg = readFileSync(join(samples, 'beach.jpg'));
  writeFileSync(join(dir, 'cut.jpg'), jpg.subarray(0, 300));
  return dir;
}

describe('acseg run', () => {
  it('segments a folder, names regions, writes PNG/overlay/JSON per image and a gallery; bad files are reported and skipped (exit 1)', () => {
    const images = folderWithBadFiles();
    const out = join(tempDir(), 'out');
    const r = acseg(['run', '--images', images, '--out', out, '--backbone', 'handcrafted', '--generator', 'kmeans', '--quiet']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/segmented 5 of 7 images with handcrafted → kmeans → kmeans/);
    expect(r.stdout).toMatch(/skipped .*notes\.jpg: /);
    expect(r.stdout).toMatch(/skipped .*cut\.jpg: /);
    for (const id of ['beach', 'fruit', 'meadow', 'mountains', 'street']) {
      const json = JSON.parse(readFileSync(join(out, `${id}.json`), 'utf8'));
      expect(json).toMatchObject({ id, width: 320, height: 240, backbone: 'handcrafted', generator: 'kmeans', classifier: 'kmeans' });
      const png = decode(readFileSync(join(out, `${id}.png`)));
      expect([png.width, png.height]).toEqual([320, 240]);
      // Every labelled pixel's class is a class of the JSON's regions, and the pixel counts agree.
      const counts = new Map<number, number>();
      for (const v of png.data as Uint8Array) counts.set(v, (counts.get(v) ?? 0) + 1);
      const fromJson = new Map<number, number>();
      for (const reg of json.regions) fromJson.set(reg.classId, (fromJson.get(reg.classId) ?? 0) + reg.pixels);
      expect([...counts.entries()].sort()).toEqual([...fromJson.entries()].sort());
      expect(existsSync(join(out, `${id}.overlay.png`))).toBe(true);
    }
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('notes.jpg');
    expect((html.match(/class="card"/g) ?? []).length).toBe(5);
    expect(readdirSync(out).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('segment: regions only, with the DINO backbone on a model file given by path', () => {
    const out = join(tempDir(), 'seg');
    const r = acseg([
      'segment',
      '--images',
      samples,
      '--out',
      out,
      '--backbone',
      'dino',
      '--model',
      tinyDino,
      '--generator',
      'agglomerative',
      '--k',
      '3',
      '--quiet',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/onnxruntime cpu/);
    const json = JSON.parse(readFileSync(join(out, 'street.json'), 'utf8'));
    expect(json.regions.length).toBeGreaterThan(0);
    expect(json.regions.length).toBeLessThanOrEqual(3);
    expect(json.regions.every((r: { className: string }) => r.className.startsWith('region '))).toBe(true);
  });

  it('trains the ACG on the fly (the ViT freed meanwhile, then loaded again for the regions) as its saved checkpoint segments', () => {
    const dino = ['--backbone', 'dino', '--model', tinyDino, '--generator', 'acg', '--iterations', '20', '--clusters', '3', '--quiet'];
    const fly = join(tempDir(), 'fly');
    const r = acseg(['run', '--images', samples, '--out', fly, ...dino]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/training acg on 5 images/);
    // The regions' embeddings are crops through the ViT loaded again after the training (paper §4.1).
    expect(r.stdout).toMatch(/segmented 5 of 5 images with dino → acg → kmeans/);
    const again = join(tempDir(), 'again');
    const c = acseg(['run', '--images', samples, '--out', again, ...dino, '--checkpoint', join(fly, 'acg-checkpoint')]);
    expect(c.status, c.stderr).toBe(0);
    for (const id of ['beach', 'fruit', 'meadow', 'mountains', 'street']) {
      for (const file of [`${id}.png`, `${id}.regions.png`]) expect(readFileSync(join(again, file)).equals(readFileSync(join(fly, file))), file).toBe(true);
      const regions = (dir: string) => JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')).regions;
      expect(regions(again)).toEqual(regions(fly));
    }
  });

  it('a missing image folder and a missing DINO model are one clear line each', () => {
    const r = acseg(['run', '--images', '/nonexistent/photos', '--out', tempDir(), '--backbone', 'handcrafted', '--generator', 'kmeans']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/\/nonexistent\/photos does not exist/);
    const m = acseg([
      'run',
      '--images',
      samples,
      '--out',
      tempDir(),
      '--backbone',
      'dino',
      '--model',
      'dino-vits16',
      '--generator',
      'kmeans',
      '--cache-dir',
      tempDir(),
    ]);
    expect(m.status).toBe(1);
    expect(m.stderr).toMatch(/dino-vits16 is not in the cache/);
    expect(m.stderr).not.toMatch(/\n\s+at /);
    // Without --backbone, a missing default model falls back to handcrafted, but a model the user named does not.
    const named = acseg(['segment', '--images', samples, '--out', tempDir(), '--model', '/nonexistent.onnx', '--generator', 'kmeans', '--quiet']);
    expect(named.status).toBe(1);
    expect(named.stderr).toMatch(/\/nonexistent\.onnx: no such file or folder/);
  });
});
