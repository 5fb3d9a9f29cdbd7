import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';
import { writeTinyVoc } from '../../../packages/eval/src/testing/tiny-datasets.js';

afterAll(removeTempDirs);

describe('where acseg eval writes without --out', () => {
  const voc = join(tempDir(), 'voc');
  beforeAll(async () => {
    await writeTinyVoc(voc, {
      val: [
        [64, 48],
        [64, 48],
        [64, 48],
      ],
    });
  });
  const args = ['eval', '--dataset', 'voc', '--root', voc, '--backbone', 'handcrafted', '--generator', 'kmeans', '--seeds', '1', '--quiet'];

  it('in the working folder: out/eval-<dataset>-<generator>-<classifier>, named on the first line', () => {
    const cwd = realpathSync(tempDir());
    const r = acseg(args, cwd);
    expect(r.status, r.stderr).toBe(0);
    const out = join(cwd, 'out', 'eval-voc-kmeans-kmeans');
    expect(r.stderr.split('\n')[0]).toBe(`eval: writing report.html, metrics.json and table.md to ${out}`);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });

  it('inside the acseg checkout: refused before any work (exit 2), with a folder outside to give', () => {
    const r = acseg(args, join(repoRoot, 'packages'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no --out given, and the working folder .*packages is inside the acseg checkout/);
    expect(r.stderr).toMatch(/hint: give --out DIR outside it, e\.g\. --out .*acseg-out.eval-voc-kmeans-kmeans/);
    expect(existsSync(join(repoRoot, 'packages', 'out'))).toBe(false);
  });
});
