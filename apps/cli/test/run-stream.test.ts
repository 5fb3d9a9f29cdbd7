import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { classMap, SegmentationPipeline } from '@acseg/core';
import { HandcraftedBackbone } from '@acseg/backbone-handcrafted';
import { KMeansClassifier } from '@acseg/classifier-kmeans';
import { KMeansGenerator } from '@acseg/generator-clustering';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const samples = join(repoRoot, 'samples');

function folder(): { dir: string; images: string[] } {
  const dir = tempDir('acseg-stream-imgs-');
  for (const f of readdirSync(samples).filter((f) => f.endsWith('.jpg'))) copyFileSync(join(samples, f), join(dir, f));
  writeFileSync(join(dir, 'notes.jpg'), 'this is not an image');
  return {
    dir,
    images: readdirSync(dir)
      .sort()
      .map((f) => join(dir, f)),
  };
}

describe('acseg run, streaming', () => {
  it('k-means classifier (two passes, pass 2 from the assignments kept on disk): the class maps of the in-memory pipeline, bit for bit; no feature cache', async () => {
    const { dir, images } = folder();
    const out = join(tempDir(), 'out');
    const r = acseg(['run', '--images', dir, '--out', out, '--backbone', 'handcrafted', '--generator', 'kmeans', '--quiet']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/segmented 5 of 6 images/);
    // The generator needs no training, so the features were never cached; the pass-1 record is removed.
    expect(r.stderr).not.toMatch(/images written/);
    expect(existsSync(join(out, '.acseg-features'))).toBe(false);
    for (const f of ['.acseg-pass1', '.acseg-pass1-digests', '.acseg-pass1-rows']) expect(existsSync(join(out, f)), f).toBe(false);
    // The gallery record: one line per finished image and one for the bad file.
    const lines = readFileSync(join(out, 'gallery.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(
      lines
        .filter((l) => l.item)
        .map((l) => l.item.id)
        .sort(),
    ).toEqual(['beach', 'fruit', 'meadow', 'mountains', 'street']);
    expect(lines.filter((l) => l.skipped).map((l) => l.skipped.source)).toEqual([join(dir, 'notes.jpg')]);

    // Independently: the whole set in memory, as `run` did before it streamed (K = ceil(6 / 2) = 3, seed 0).
    const pipeline = new SegmentationPipeline({
      backbone: new HandcraftedBackbone({}),
      generator: KMeansGenerator.fromOptions({}),
      classifier: new KMeansClassifier({ K: 3 }),
    });
    const outcomes = await pipeline.run(images);
    let compared = 0;
    for (const o of outcomes) {
      if (!o.ok) continue;
      const png = decode(readFileSync(join(out, `${o.result.id}.png`)));
      expect(Buffer.from(png.data as Uint8Array).equals(Buffer.from(classMap(o.result)))).toBe(true);
      compared++;
    }
    expect(compared).toBe(5);
  });

  it('--features-cache: the named cache is kept, and a second run computes no feature again', () => {
    const { dir } = folder();
    const out = join(tempDir(), 'out');
    const cache = join(tempDir(), 'cache');
    const first = acseg(['run', '--images', dir, '--out', out, '--backbone', 'handcrafted', '--generator', 'kmeans', '--features-cache', cache, '--quiet']);
    expect(first.status, first.stderr).toBe(1);
    expect(existsSync(join(cache, 'index.json'))).toBe(true);
    const index = JSON.parse(readFileSync(join(cache, 'index.json'), 'utf8'));
    expect(index.images).toHaveLength(5);
    const png = readFileSync(join(out, 'street.png'));
    const second = acseg(['run', '--images', dir, '--out', out, '--backbone', 'handcrafted', '--generator', 'kmeans', '--features-cache', cache, '--quiet']);
    expect(second.status, second.stderr).toBe(1);
    expect(second.stderr).toMatch(/resuming, 5 of 6 images are already cached/);
    expect(readFileSync(join(out, 'street.png')).equals(png)).toBe(true);
    // The gallery shows this run once, not both runs.
    expect((readFileSync(join(out, 'index.html'), 'utf8').match(/class="card"/g) ?? []).length).toBe(5);
  });
});
