import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const samples = join(repoRoot, 'samples');
const SAMPLE_IDS = ['beach', 'fruit', 'meadow', 'mountains', 'street'];
const fast = ['--backbone', 'handcrafted', '--generator', 'kmeans', '--seeds', '1', '--quiet'];

/** A grey label map at the samples' size (320×240): left half class a, right half class b. */
function label(a: number, b: number): Uint8Array {
  return encode({ width: 320, height: 240, channels: 1, depth: 8, data: Uint8Array.from({ length: 320 * 240 }, (_, p) => (p % 320 < 160 ? a : b)) });
}

/** A CamVid-layout root from the samples: train = the first three, val = the last two (or the ids given). */
function tinyCamVid(splits: Record<string, string[]> = { train: SAMPLE_IDS.slice(0, 3), val: SAMPLE_IDS.slice(3) }): string {
  const root = tempDir('acseg-camvid-');
  for (const [split, ids] of Object.entries(splits)) {
    mkdirSync(join(root, split));
    mkdirSync(join(root, `${split}annot`));
    writeFileSync(join(root, `${split}.txt`), `${ids.join('\n')}\n`);
    ids.forEach((id, i) => {
      copyFileSync(join(samples, `${id}.jpg`), join(root, split, `${id}.jpg`));
      writeFileSync(join(root, `${split}annot`, `${id}.png`), label(i % 11, (i + 3) % 11));
    });
  }
  return root;
}

const metrics = (dir: string) => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { images: number };

describe('acseg eval --limit: the first N items, for a quick check', () => {
  it('evaluates the first N items of the split (all of them without --limit)', () => {
    const root = tinyCamVid({ train: SAMPLE_IDS.slice(0, 2), val: SAMPLE_IDS.slice(0, 4) });
    const all = join(tempDir(), 'all');
    const r = acseg(['eval', '--dataset', 'camvid', '--root', root, ...fast, '--out', all]);
    expect(r.status, r.stderr).toBe(0);
    expect(metrics(all).images).toBe(4);
    const two = join(tempDir(), 'two');
    const l = acseg(['eval', '--dataset', 'camvid', '--root', root, ...fast, '--limit', '2', '--out', two]);
    expect(l.status, l.stderr).toBe(0);
    expect(metrics(two).images).toBe(2);
    // The first two of the list, in list order (the samples of the report are the evaluated items).
    expect((JSON.parse(readFileSync(join(two, 'metrics.json'), 'utf8')) as { samples: Array<{ id: string }> }).samples.map((s) => s.id)).toEqual([
      'beach',
      'fruit',
    ]);
  });

  it('limits the train split too where it is used (the k-NN memory bank)', () => {
    const root = tinyCamVid({ train: SAMPLE_IDS, val: SAMPLE_IDS.slice(0, 2) });
    const out = join(tempDir(), 'knn');
    const r = acseg(['eval', '--dataset', 'camvid', '--root', root, ...fast, '--classifier', 'knn', '--limit', '2', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const banks = r.stderr.match(/memory bank of \d+ regions from (\d+) images/g) ?? [];
    expect(banks.length).toBeGreaterThan(0);
    for (const b of banks) expect(b).toMatch(/from 2 images$/);
  });

  it('refuses a --limit that is not a whole number ≥ 1', () => {
    const r = acseg(['eval', '--dataset', 'camvid', '--root', tinyCamVid(), ...fast, '--limit', '0', '--out', join(tempDir(), 'x')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--limit 0: give a whole number ≥ 1/);
  });
});

describe('acseg eval: dataset errors say what is wrong', () => {
  it('a --root that does not exist is said so, not as its first missing subfolder', () => {
    const missing = join(tempDir(), 'no-such-root');
    const r = acseg(['eval', '--dataset', 'camvid', '--root', missing, ...fast, '--out', join(tempDir(), 'o')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`acseg: error: CamVid root ${missing} does not exist`);
    expect(r.stderr).not.toMatch(/val\/ is missing/);
  });

  it('a VOC root without train.txt, where the train split is needed: the file, the reason, the lists there; no raw ENOENT', () => {
    const root = tempDir('acseg-voc-');
    for (const sub of ['JPEGImages', 'SegmentationClass', 'ImageSets/Segmentation']) mkdirSync(join(root, sub), { recursive: true });
    copyFileSync(join(samples, 'beach.jpg'), join(root, 'JPEGImages', 'beach.jpg'));
    writeFileSync(join(root, 'SegmentationClass', 'beach.png'), label(0, 15));
    writeFileSync(join(root, 'ImageSets/Segmentation/val.txt'), 'beach\n');
    const r = acseg(['eval', '--dataset', 'voc', '--root', root, ...fast, '--classifier', 'knn', '--out', join(tempDir(), 'o')]);
    expect(r.status).toBe(1);
    const list = join(root, 'ImageSets/Segmentation/train.txt');
    expect(r.stderr).toContain(
      `acseg: error: ${list}: cannot read the VOC 2012 split list: the file does not exist (the train split is needed for the k-NN memory bank)`,
    );
    expect(r.stderr).toMatch(/hint: split lists there: val; --train-split NAME picks another split/);
    expect(r.stderr).not.toMatch(/ENOENT|--verbose/);
    expect(r.stderr.split(list).length - 1).toBe(1);
  });
});

describe('acseg eval checks the classifier before training or extracting', () => {
  it('--classifier clip with missing model files stops before the ACG is trained on the train split', () => {
    const missing = join(tempDir(), 'no-clip');
    const r = acseg([
      'eval',
      '--dataset',
      'camvid',
      '--root',
      tinyCamVid(),
      '--backbone',
      'handcrafted',
      '--generator',
      'acg',
      '--classifier',
      'clip',
      '--set',
      `clip.model=${missing}`,
      '--quiet',
      '--out',
      join(tempDir(), 'o'),
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`acseg: error: CLIP model "${missing}": model.safetensors, tokenizer.json not found in ${missing}`);
    expect(r.stderr).not.toMatch(/training acg|acg: training on/);
  });
});
