import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const samples = join(repoRoot, 'samples');
const tinyDino = join(repoRoot, 'packages/backbone-dino/src/testing/fixtures/tiny-hub');

describe('error messages say what is wrong, once', () => {
  it('a 0-byte image is "empty", with either backbone, not an unsupported format', () => {
    const dir = tempDir('acseg-empty-');
    copyFileSync(join(samples, 'beach.jpg'), join(dir, 'beach.jpg'));
    writeFileSync(join(dir, 'blank.jpg'), '');
    for (const backbone of [
      ['--backbone', 'handcrafted'],
      ['--backbone', 'dino', '--model', tinyDino],
    ]) {
      const r = acseg(['segment', '--images', dir, '--out', join(tempDir(), 'o'), ...backbone, '--generator', 'kmeans', '--quiet']);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout).toContain(`skipped ${join(dir, 'blank.jpg')}: the file is empty (0 bytes)`);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/unsupported image format/);
    }
  });

  it('a usage error (a failed flag check) exits 2 without the stack-trace note', () => {
    const r = acseg(['train', '--out', join(tempDir(), 'ckpt')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^acseg: error: give exactly one of --features and --images\n {2}hint: see acseg --help\n$/);
  });

  it('a file that cannot be read is named once, without the raw system tail', () => {
    const missing = join(tempDir(), 'no-state.safetensors');
    const r = acseg([
      'run',
      '--images',
      samples,
      '--out',
      join(tempDir(), 'o'),
      '--backbone',
      'handcrafted',
      '--generator',
      'kmeans',
      '--set',
      `kmeans.checkpoint=${missing}`,
      '--quiet',
    ]);
    expect(r.status).toBe(1);
    const line = r.stderr.split('\n').find((l) => l.startsWith('acseg: error: '));
    expect(line).toMatch(/cannot read the classifier state/);
    expect(line!.split(missing).length - 1).toBe(1);
  });
});
