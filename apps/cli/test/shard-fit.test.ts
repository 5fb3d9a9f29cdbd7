import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '../../../packages/safetensors/src/index.js';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const clean = { SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '', ACSEG_NUM_SHARDS: '' };
const firstError = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('acseg: error:'));

describe("run --fit-only: the classifier fitted once from the shards' region embeddings", () => {
  it('shards digest their parts, merge fits once: the state a one-process run fits, byte for byte', async () => {
    const images = join(tempDir(), 'images');
    cpSync(join(repoRoot, 'samples'), images, { recursive: true });
    const common = ['run', '--images', images, '--backbone', 'handcrafted', '--generator', 'kmeans', '--quiet'];

    // One process, the whole run (fit while labelling): the reference state.
    const want = join(tempDir(), 'one.safetensors');
    const r = acseg([...common, '--out', join(tempDir(), 'one'), '--save-classifier', want], undefined, clean);
    expect(r.status, r.stderr).toBe(0);
    // One process, fit only: the same state, no outputs.
    const alone = join(tempDir(), 'alone.safetensors');
    const a = acseg([...common, '--fit-only', '--out', join(tempDir(), 'alone'), '--save-classifier', alone], undefined, clean);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toContain('classifier kmeans fitted on 5 images (0 skipped)');
    expect(readFileSync(alone)).toEqual(readFileSync(want));
    // The digests waited for the fit on disk beside the state: gone after it.
    expect(readdirSync(dirname(alone))).toEqual(['alone.safetensors']);

    // Two shards (one by flag, one from a Slurm array's variables), then merge.
    const state = join(tempDir(), 'merged.safetensors');
    const out = join(tempDir(), 'fit');
    const shard = (flags: string[], env: Record<string, string> = {}) =>
      acseg([...common, '--fit-only', '--save-classifier', state, '--out', out, ...flags], undefined, { ...clean, ...env });
    const s0 = shard(['--shard', '0/2']);
    expect(s0.status, s0.stderr).toBe(0);
    expect(s0.stdout).toContain('shard 0/2 (--shard 0/2): 2 of 5 images: 2 images digested, 0 skipped');
    const early = acseg(['merge', out]);
    expect(early.status).toBe(2);
    expect(firstError(early.stderr)).toBe('acseg: error: shard 1 of 2 is missing (found 0)');
    expect(existsSync(state)).toBe(false);
    const s1 = shard([], { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' });
    expect(s1.status, s1.stderr).toBe(0);
    // A retried task whose part is complete has nothing to do.
    expect(shard(['--shard', '0/2']).stdout).toContain('already digested');

    const m = acseg(['merge', out]);
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toContain('classifier kmeans fitted once on 5 images of 2 shards (0 skipped)');
    expect(readFileSync(state)).toEqual(readFileSync(want));
    expect(readdirSync(dirname(state))).toEqual(['merged.safetensors']);
    // The same numbers, read independently of the bytes: k × d centroids, equal to one process's.
    const got = await readSafetensors(state);
    const ref = await readSafetensors(want);
    expect(got.tensors.centroids.shape).toEqual(ref.tensors.centroids.shape);
    expect(Array.from(got.tensors.centroids.data as Float32Array)).toEqual(Array.from(ref.tensors.centroids.data as Float32Array));

    // Options from the shards' config file reach the fit, though the merge runs where no config file is.
    const work = tempDir();
    writeFileSync(join(work, 'acseg.config.json'), JSON.stringify({ options: { kmeans: { K: 2 } } }));
    const fromConfig = join(tempDir(), 'k2.safetensors');
    const cfgOut = join(tempDir(), 'fit-config');
    for (const i of [0, 1]) {
      const c = acseg([...common, '--fit-only', '--save-classifier', fromConfig, '--out', cfgOut, '--shard', `${i}/2`], work, clean);
      expect(c.status, c.stderr).toBe(0);
    }
    const mc = acseg(['merge', cfgOut]);
    expect(mc.status, mc.stderr).toBe(0);
    expect((await readSafetensors(fromConfig)).tensors.centroids.shape[0]).toBe(2);

    // Merging again would replace the state: refused.
    const again = acseg(['merge', out]);
    expect(again.status).toBe(1);
    expect(firstError(again.stderr)).toBe(`acseg: error: ${state} already exists; not overwriting a classifier state`);
  }, 240_000);

  it('from a merged feature cache (--features): shards and merge give the one-process state', () => {
    const cache = join(tempDir(), 'features');
    const f = acseg(['features', '--images', join(repoRoot, 'samples'), '--backbone', 'handcrafted', '--out', cache, '--quiet'], undefined, clean);
    expect(f.status, f.stderr).toBe(0);
    const common = ['run', '--features', cache, '--generator', 'kmeans', '--quiet'];
    const want = join(tempDir(), 'one.safetensors');
    expect(acseg([...common, '--out', join(tempDir(), 'one'), '--save-classifier', want], undefined, clean).status).toBe(0);
    const state = join(tempDir(), 'merged.safetensors');
    const out = join(tempDir(), 'fit');
    for (const i of [0, 1, 2]) {
      const s = acseg([...common, '--fit-only', '--save-classifier', state, '--out', out, '--shard', `${i}/3`], undefined, clean);
      expect(s.status, s.stderr).toBe(0);
    }
    const m = acseg(['merge', out]);
    expect(m.status, m.stderr).toBe(0);
    expect(readFileSync(state)).toEqual(readFileSync(want));
  }, 240_000);

  it('bad input: no --save-classifier, a classifier with nothing to fit, parts of different jobs, an unfinished part', () => {
    const images = join(tempDir(), 'images');
    cpSync(join(repoRoot, 'samples'), images, { recursive: true });
    const common = ['run', '--images', images, '--backbone', 'handcrafted', '--generator', 'kmeans', '--quiet', '--fit-only'];
    const noState = acseg([...common, '--out', join(tempDir(), 'x')], undefined, clean);
    expect(noState.status).toBe(2);
    expect(firstError(noState.stderr)).toBe('acseg: error: run --fit-only: give --save-classifier FILE, where the fitted classifier state goes');
    const bg = acseg([...common, '--classifier', 'background', '--save-classifier', join(tempDir(), 's'), '--out', join(tempDir(), 'x')], undefined, clean);
    expect(bg.status).toBe(2);
    expect(firstError(bg.stderr)).toBe('acseg: error: run --fit-only: classifier background is not fitted on the images; nothing to fit');

    // Shard 0 of one job (3 clusters), shard 1 of another (2 clusters): merging them is refused, naming both.
    const state = join(tempDir(), 'mixed.safetensors');
    const a = join(tempDir(), 'a');
    const b = join(tempDir(), 'b');
    expect(acseg([...common, '--clusters', '3', '--save-classifier', state, '--out', a, '--shard', '0/2'], undefined, clean).status).toBe(0);
    expect(acseg([...common, '--clusters', '2', '--save-classifier', state, '--out', b, '--shard', '1/2'], undefined, clean).status).toBe(0);
    const mixed = acseg(['merge', join(a, 'part-0000-of-0002'), join(b, 'part-0001-of-0002'), '--out', join(tempDir(), 'm')]);
    expect(mixed.status).toBe(2);
    expect(firstError(mixed.stderr)).toBe(
      `acseg: error: ${join(b, 'part-0001-of-0002')} and ${join(a, 'part-0000-of-0002')} are parts of different jobs (clusters 2 ≠ 3); cannot merge them`,
    );
    expect(existsSync(state)).toBe(false);

    // Job a's shard 1 killed while writing would leave no file; a damaged one (cut short) is unfinished: nothing written.
    expect(acseg([...common, '--clusters', '3', '--save-classifier', state, '--out', a, '--shard', '1/2'], undefined, clean).status).toBe(0);
    const digests = join(a, 'part-0001-of-0002', 'digests.jsonl');
    writeFileSync(digests, readFileSync(digests, 'utf8').split('\n').slice(0, 2).join('\n'));
    const cut = acseg(['merge', a]);
    expect(cut.status).toBe(2);
    expect(firstError(cut.stderr)).toBe(
      `acseg: error: ${join(a, 'part-0001-of-0002')}: shard 1/2 is unfinished (${digests}: cut short (fewer lines than it announces)); nothing merged`,
    );
    expect(existsSync(state)).toBe(false);
  }, 240_000);
});
