import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, cliBin, removeTempDirs, repoRoot, tempDir } from './helpers.js';

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

describe('a one-pass classifier run with a bad image early in a batch', () => {
  it('goes on to the end (it hung: the images after the bad one held the decode slots the next batch waited for)', () => {
    const samples = ['beach', 'fruit', 'meadow', 'mountains', 'street'];
    const state = join(tempDir(), 'kmeans.safetensors');
    const common = ['--backbone', 'handcrafted', '--generator', 'kmeans', '--clusters', '2'];
    const f = acseg(['run', '--images', join(repoRoot, 'samples'), ...common, '--out', join(tempDir(), 'fit'), '--save-classifier', state], undefined, clean);
    expect(f.status, f.stderr).toBe(0);
    // 20 images, the second unreadable; with 16 decode slots the pipeline's batch of 16 would hold them all.
    const images = join(tempDir(), 'twenty');
    mkdirSync(images);
    for (let i = 0; i < 20; i++) {
      const name = join(images, `img-${String(i).padStart(2, '0')}.jpg`);
      if (i === 1) writeFileSync(name, 'not a jpeg');
      else cpSync(join(repoRoot, 'samples', `${samples[i % 5]}.jpg`), name);
    }
    const out = join(tempDir(), 'out');
    // Not `acseg` (240 s): a hang should fail this test in a minute.
    const r = spawnSync(
      process.execPath,
      [cliBin, 'run', '--images', images, ...common, '--out', out, '--set', `kmeans.checkpoint=${state}`, '--max-decoded', '16'],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ...clean }, timeout: 60_000 },
    );
    expect(r.signal, 'the run was stopped by the timeout').toBeNull();
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain('segmented 19 of 20 images');
    expect(r.stdout + r.stderr).toContain('img-01.jpg');
    for (let i = 0; i < 20; i++) expect(existsSync(join(out, `img-${String(i).padStart(2, '0')}.png`))).toBe(i !== 1);
  }, 120_000);
});
