import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const samples = join(repoRoot, 'samples');
const fast = ['--backbone', 'handcrafted', '--generator', 'kmeans'];

describe('--out that cannot be a folder: one clear error before any work', () => {
  const dir = tempDir('acseg-outfile-');
  const file = join(dir, 'results.txt');
  writeFileSync(file, 'not a folder');
  const cases: Array<[string, string[], string]> = [
    ['run, --out a file', ['run', '--images', samples, '--out', file, ...fast], `--out ${file} is a file, not a folder`],
    [
      'segment, --out under a file',
      ['segment', '--images', samples, '--out', join(file, 'sub'), ...fast],
      `--out ${join(file, 'sub')} cannot be created: ${file} is a file`,
    ],
    ['features, --out a file', ['features', '--images', samples, '--out', file, '--backbone', 'handcrafted'], `--out ${file} is a file, not a folder`],
    ['eval, --out a file', ['eval', '--dataset', 'camvid', '--root', dir, '--out', file, ...fast], `--out ${file} is a file, not a folder`],
  ];
  for (const [what, args, message] of cases) {
    it(what, () => {
      const r = acseg(args);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`acseg: error: ${message}`);
      // Nothing ran: no features, no training, no segmentation, no raw system error.
      expect(r.stderr).not.toMatch(/skipped|classifier kmeans:|features:|ENOTDIR|EEXIST|--verbose/);
      expect(r.stdout).toBe('');
    });
  }
});
