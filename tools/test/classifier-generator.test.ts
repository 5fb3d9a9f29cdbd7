import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir as makeTempDir } from '@acseg/core/testing';

const require = createRequire(import.meta.url);
const root = resolve(__dirname, '../..');
const cli = join(root, 'apps/cli/bin/acseg.js');

afterAll(removeTempDirs);
const tempDir = () => makeTempDir('acseg-gen-');

/** Runs the nx generator against a real folder outside the workspace (nx's FsTree + flushChanges). */
async function scaffold(dir: string, name: string): Promise<void> {
  const { FsTree, flushChanges } = require('nx/src/generators/tree');
  const generator = require('../generators/classifier/index.cjs');
  const tree = new FsTree(dir, false);
  await generator(tree, { name, directory: name });
  flushChanges(dir, tree.listChanges());
}

describe('classifier plugin generator', () => {
  it('scaffolds a plugin that builds, passes its own test, and that the CLI loads and runs', async () => {
    expect(existsSync(join(root, 'packages/core/dist/index.js')), 'build the workspace first (npm test does)').toBe(true);
    const work = tempDir();
    await scaffold(work, 'tiny-size');
    const pkgDir = join(work, 'tiny-size');
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('acseg-plugin-tiny-size');
    expect(pkg.peerDependencies['@acseg/core']).toMatch(/^\^/);

    // Link the workspace's core in place of `npm install`, then build with tsc.
    mkdirSync(join(pkgDir, 'node_modules/@acseg'), { recursive: true });
    symlinkSync(join(root, 'packages/core'), join(pkgDir, 'node_modules/@acseg/core'), 'dir');
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(pkgDir, 'tsconfig.json')], { stdio: 'pipe' });
    expect(existsSync(join(pkgDir, 'dist/index.js'))).toBe(true);
    symlinkSync(join(root, 'node_modules/vitest'), join(pkgDir, 'node_modules/vitest'), 'dir');
    const own = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--root', pkgDir, '--reporter', 'verbose'], {
      encoding: 'utf8',
      cwd: pkgDir,
    });
    expect(own.status, own.stdout + own.stderr).toBe(0);
    // Its own test, and the core's conformance suite (@acseg/core/testing) run on its classifier.
    expect(own.stdout).toMatch(/labels regions by the fraction of the image they cover/);
    expect(own.stdout).toMatch(/ConceptClassifier conformance: tiny-size.*gives each region of each image one label/);
    expect(own.stdout).not.toMatch(/failed|skipped/);

    // The CLI lists it, with where it came from.
    const listed = spawnSync(process.execPath, [cli, 'plugins', 'list', '--json', '--plugin', pkgDir], { encoding: 'utf8' });
    expect(listed.status, listed.stderr).toBe(0);
    const out = JSON.parse(listed.stdout);
    const entry = out.components.find((c: { id: string }) => c.id === 'tiny-size');
    expect(entry).toMatchObject({ kind: 'classifier', plugin: 'acseg-plugin-tiny-size' });
    expect(entry.origin).toContain(pkgDir);
    // Its option schema: shown by `plugins show`, and checked by the CLI like a built-in's.
    const shown = spawnSync(process.execPath, [cli, 'plugins', 'show', 'acseg-plugin-tiny-size', '--plugin', pkgDir], { encoding: 'utf8' });
    expect(shown.stdout).toMatch(/minFraction +number +fraction of the image .* \(default 0\.25\)/);

    // The CLI runs its classifier on a tiny input: two sample images.
    const images = join(work, 'images');
    mkdirSync(images);
    for (const f of ['beach.jpg', 'street.jpg']) copyFileSync(join(root, 'samples', f), join(images, f));
    const outDir = join(work, 'out');
    const run = spawnSync(
      process.execPath,
      [
        cli,
        'run',
        '--images',
        images,
        '--out',
        outDir,
        '--backbone',
        'handcrafted',
        '--generator',
        'kmeans',
        '--classifier',
        'tiny-size',
        '--plugin',
        pkgDir,
        '--set',
        'tiny-size.minFraction=0.3',
        '--quiet',
      ],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    const seg = JSON.parse(readFileSync(join(outDir, 'beach.json'), 'utf8'));
    expect(seg.classifier).toBe('tiny-size');
    for (const r of seg.regions) {
      expect(r.className).toBe(r.pixels / (seg.width * seg.height) >= 0.3 ? 'large' : 'small');
    }
    const bad = spawnSync(
      process.execPath,
      [
        cli,
        'run',
        '--images',
        images,
        '--out',
        join(work, 'bad'),
        '--backbone',
        'handcrafted',
        '--generator',
        'kmeans',
        '--classifier',
        'tiny-size',
        '--plugin',
        pkgDir,
        '--set',
        'tiny-size.minFraction=2',
      ],
      { encoding: 'utf8' },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('classifier tiny-size: option minFraction must be a number ≥ 0 ≤ 1, got 2');
  });

  it('refuses a bad name and an existing folder', async () => {
    const work = tempDir();
    await expect(scaffold(work, 'Bad Name')).rejects.toThrow(/lower-case/);
    await scaffold(work, 'twice');
    await expect(scaffold(work, 'twice')).rejects.toThrow(/already holds a package/);
  });
});
