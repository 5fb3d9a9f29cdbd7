import { cpSync, mkdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const clean = { SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '', ACSEG_NUM_SHARDS: '' };

describe('run --set kmeans.checkpoint=FILE (one process) labels with the fitted state', () => {
  it('applies the state in one pass, as fitted on other images, and keeps finished images until the state changes', () => {
    // The state is fitted on three of the samples; the run then labels all five with it.
    const fitImages = join(tempDir(), 'fit');
    mkdirSync(fitImages);
    for (const id of ['beach', 'fruit', 'street']) cpSync(join(repoRoot, 'samples', `${id}.jpg`), join(fitImages, `${id}.jpg`));
    const all = join(tempDir(), 'all');
    cpSync(join(repoRoot, 'samples'), all, { recursive: true });
    const common = ['--backbone', 'handcrafted', '--generator', 'kmeans', '--clusters', '2'];
    const state = join(tempDir(), 'kmeans.safetensors');
    const fitted = join(tempDir(), 'fitted');
    const f = acseg(['run', '--images', fitImages, ...common, '--out', fitted, '--save-classifier', state], undefined, clean);
    expect(f.status, f.stderr).toBe(0);
    const stateBytes = readFileSync(state);

    const out = join(tempDir(), 'applied');
    const run = () => acseg(['run', '--images', all, ...common, '--out', out, '--set', `kmeans.checkpoint=${state}`], undefined, clean);
    const r = run();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`classifier kmeans: the images are labelled with the fitted state ${state} (not fitted again on them), in one pass`);
    // Fitting again would log its clusters and run a second pass.
    expect(r.stderr).not.toMatch(/regions of \d+ images → \d+ clusters/);
    expect(r.stderr).not.toContain('pass 2 of 2');
    expect(r.stdout).toContain('segmented 5 of 5 images');
    expect(readFileSync(state)).toEqual(stateBytes);
    // The images the state was fitted on get the labels that fit gave them, byte for byte: class maps, and the JSON records but for their source path.
    for (const id of ['beach', 'fruit', 'street']) {
      expect(readFileSync(join(out, `${id}.png`))).toEqual(readFileSync(join(fitted, `${id}.png`)));
      const record = (dir: string) => ({ ...(JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as object), source: undefined });
      expect(record(out)).toEqual(record(fitted));
    }
    // A rerun keeps them all; a state fitted (written) since makes it redo them.
    expect(run().stdout).toContain('segmented 0 of 0 images (5 more kept from an earlier run)');
    const later = new Date(statSync(join(out, 'beach.png')).mtimeMs + 5000);
    utimesSync(state, later, later);
    expect(run().stdout).toContain('segmented 5 of 5 images');
  });
});
