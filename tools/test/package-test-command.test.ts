import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = resolve(__dirname, '../..');

let work: string | undefined;
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/**
 * A copy of the workspace's layout in a temp folder: the root vitest config,
 * the root node_modules (linked), a freshly scaffolded plugin and one more
 * package whose only test fails, so running it by mistake shows.
 */
async function layout(): Promise<{ dir: string; plugin: string; other: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'acseg-layout-'));
  work = dir;
  copyFileSync(join(root, 'vitest.config.ts'), join(dir, 'vitest.config.ts'));
  mkdirSync(join(dir, 'tools', 'test-setup'), { recursive: true });
  copyFileSync(join(root, 'tools', 'test-setup', 'file-handles.ts'), join(dir, 'tools', 'test-setup', 'file-handles.ts'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'junction');
  mkdirSync(join(dir, 'apps'));
  const { FsTree, flushChanges } = require('nx/src/generators/tree');
  const generator = require('../generators/classifier/index.cjs');
  const tree = new FsTree(dir, false);
  await generator(tree, { name: 'layout-check' });
  flushChanges(dir, tree.listChanges());
  const other = join(dir, 'packages/other');
  mkdirSync(join(other, 'test'), { recursive: true });
  writeFileSync(
    join(other, 'package.json'),
    JSON.stringify({ name: 'other', private: true, type: 'module', scripts: { test: 'vitest run --root ../.. --project other' } }),
  );
  writeFileSync(
    join(other, 'test/other.test.ts'),
    "import { it } from 'vitest';\nit('runs only when asked', () => { if (!process.env.RUN_OTHER) throw new Error('package other ran'); });\n",
  );
  return { dir, plugin: join(dir, 'packages/acseg-plugin-layout-check'), other };
}

function npm(args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    shell: process.platform === 'win32',
    timeout: 120_000,
  });
}

describe('test commands inside a package folder', () => {
  it('`npm test` in a scaffolded plugin and in a package folder runs that package only, through the root config', async () => {
    const { plugin, other } = await layout();

    // The scaffold's documented next step: `npm test` in the plugin's folder.
    const own = npm(['test'], plugin);
    expect(own.status, own.stdout + own.stderr).toBe(0);
    expect(own.stdout).toMatch(/acseg-plugin-layout-check/);
    expect(own.stdout).toMatch(/Test Files\s+1 passed \(1\)/);

    // A workspace package's script (`--root ../.. --project <folder>`), and plain vitest there.
    const script = npm(['test'], other, { RUN_OTHER: '1' });
    expect(script.status, script.stdout + script.stderr).toBe(0);
    expect(script.stdout).toMatch(/Test Files\s+1 passed \(1\)/);
    const plain = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run'], {
      cwd: other,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', RUN_OTHER: '1' },
    });
    expect(plain.status, plain.stdout + plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/Test Files\s+1 passed \(1\)/);
  });
});
