import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const samples = join(repoRoot, 'samples');
/** The headline command: the ACG trained on the folder first, then CLIP names the regions. */
const headline = (...extra: string[]) => [
  'run',
  '--images',
  samples,
  '--out',
  join(tempDir(), 'out'),
  '--backbone',
  'handcrafted',
  '--generator',
  'acg',
  '--quiet',
  ...extra,
];

/** No training, no feature extraction happened. */
function expectNoWork(stderr: string): void {
  expect(stderr).not.toMatch(/training acg|acg: training on|features: /);
}

describe('acseg run checks every component before training or extracting', () => {
  it('--classifier clip without --classes uses the voc preset (one line), and missing CLIP files stop it before training', () => {
    const missing = join(tempDir(), 'no-clip-here');
    const r = acseg([...headline('--classifier', 'clip', '--set', `clip.model=${missing}`)]);
    expect(r.status).toBe(1);
    expect(r.stderr.match(/^classes: .*$/gm)).toEqual([
      'classes: the voc preset, 20 classes + background (the default for a classifier that needs class names; --classes voc, cocostuff27, camvid or "cat,dog,..." picks others)',
    ]);
    expect(r.stderr).toContain(`acseg: error: CLIP model "${missing}": model.safetensors, tokenizer.json not found in ${missing}`);
    expectNoWork(r.stderr);
  });

  it('--classes takes a preset (said in one line) or a comma list (no preset line)', () => {
    const missing = join(tempDir(), 'none');
    const preset = acseg([...headline('--classifier', 'clip', '--classes', 'camvid', '--set', `clip.model=${missing}`)]);
    expect(preset.stderr.match(/^classes: .*$/gm)).toEqual(['classes: the camvid preset, 11 classes + background (--classes)']);
    const list = acseg([...headline('--classifier', 'clip', '--classes', 'cat,dog', '--set', `clip.model=${missing}`)]);
    expect(list.stderr).not.toMatch(/^classes: /m);
    for (const r of [preset, list]) {
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/not found in/);
      expectNoWork(r.stderr);
    }
  });

  it('--classifier knn without a memory bank says how to get one, before training, in words a CLI user can act on', () => {
    const r = acseg(headline('--classifier', 'knn'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/classifier knn labels regions by their nearest labelled examples \(a memory bank\), and it has none/);
    expect(r.stderr).toMatch(/hint: give a saved bank with --set knn\.checkpoint=FILE/);
    expect(r.stderr).not.toMatch(/fit\(\)/);
    expectNoWork(r.stderr);
  });
});
