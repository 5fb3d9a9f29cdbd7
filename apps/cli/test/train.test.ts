import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const samples = join(repoRoot, 'samples');

describe('acseg features → train → segment', () => {
  it('caches features, trains the ACG from the cache, resumes, and segments with the checkpoint', () => {
    const dir = tempDir();
    const cache = join(dir, 'cache');
    const f = acseg(['features', '--images', samples, '--out', cache, '--backbone', 'handcrafted', '--quiet']);
    expect(f.status, f.stderr).toBe(0);
    expect(f.stdout).toMatch(/5 images \(5 computed now, 0 already there, 0 skipped\)/);
    // A second run finds everything there (resume).
    const again = acseg(['features', '--images', samples, '--out', cache, '--backbone', 'handcrafted', '--quiet']);
    expect(again.stdout).toMatch(/5 images \(0 computed now, 5 already there/);
    // Another backbone's cache is refused.
    const other = acseg(['features', '--images', samples, '--out', cache, '--backbone', 'handcrafted', '--set', 'handcrafted.inputSize=112', '--quiet']);
    expect(other.status).toBe(1);
    expect(other.stderr).toContain(cache);

    const ckpt = join(dir, 'ckpt');
    const t = acseg(['train', '--features', cache, '--out', ckpt, '--iterations', '4', '--batch-size', '2', '--checkpoint-every', '2', '--quiet']);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/trained acg: 4 iterations/);
    expect(t.stderr).toMatch(/acg: training on /);
    const config = JSON.parse(readFileSync(join(ckpt, 'config.json'), 'utf8'));
    expect(JSON.stringify(config)).toMatch(/"dim":96/);
    const r = acseg(['train', '--features', cache, '--out', ckpt, '--resume', ckpt, '--iterations', '6', '--batch-size', '2', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/trained acg: 6 iterations/);

    const out = join(dir, 'seg');
    const s = acseg(['segment', '--images', samples, '--out', out, '--backbone', 'handcrafted', '--checkpoint', ckpt, '--quiet']);
    expect(s.status, s.stderr).toBe(0);
    expect(s.stderr).not.toMatch(/training acg/);
    expect(readdirSync(out).filter((x) => x.endsWith('.json'))).toHaveLength(5);
    const seg = JSON.parse(readFileSync(join(out, 'meadow.json'), 'utf8'));
    expect(seg.regions.length).toBeGreaterThanOrEqual(1);
    expect(seg.regions.length).toBeLessThanOrEqual(5);
  });

  it('--restarts trains several seeds and keeps the lowest held-in loss; --ema averages the weights', () => {
    const dir = tempDir();
    const ckpt = join(dir, 'ckpt');
    const t = acseg([
      'train',
      '--images',
      samples,
      '--backbone',
      'handcrafted',
      '--out',
      ckpt,
      '--iterations',
      '2',
      '--batch-size',
      '2',
      '--seed',
      '3',
      '--restarts',
      '2',
      '--ema',
      '0.9',
      '--quiet',
    ]);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stderr).toMatch(/weights averaged \(ema 0\.9\)/);
    expect(t.stderr).toMatch(/restart 2 of 2 \(seed 4\)/);
    const summary = JSON.parse(readFileSync(join(ckpt, 'restarts.json'), 'utf8')) as { chosen: number; restarts: Array<{ seed: number; heldInLoss: number }> };
    expect(summary.restarts.map((r) => r.seed)).toEqual([3, 4]);
    const losses = summary.restarts.map((r) => r.heldInLoss);
    expect(losses[summary.chosen]).toBe(Math.min(...losses));
    expect(existsSync(join(ckpt, 'restart-1', 'config.json'))).toBe(true);
    const bad = acseg(['train', '--images', samples, '--backbone', 'handcrafted', '--out', join(dir, 'x'), '--ema', '1', '--quiet']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/ema must be a decay/);
  });

  it('a checkpoint of another feature dimension is refused with the file named', () => {
    const dir = tempDir();
    const ckpt = join(dir, 'ckpt');
    const t = acseg(['train', '--images', samples, '--backbone', 'handcrafted', '--out', ckpt, '--iterations', '1', '--batch-size', '2', '--quiet']);
    expect(t.status, t.stderr).toBe(0);
    expect(existsSync(join(ckpt, 'config.json'))).toBe(true);
    const tiny = join(repoRoot, 'packages/backbone-dino/src/testing/fixtures/tiny-hub');
    const s = acseg(['segment', '--images', samples, '--out', join(dir, 'o'), '--backbone', 'dino', '--model', tiny, '--checkpoint', ckpt, '--quiet']);
    expect(s.status).toBe(1);
    expect(s.stdout + s.stderr).toMatch(/96|48/);
    expect(s.stderr).not.toMatch(/\n\s+at /);
  });
});
