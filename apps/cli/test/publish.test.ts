import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
  });

/** `npm pack` a workspace package into `dest`; returns the tarball path. */
function pack(dir: string, dest: string): string {
  const out = JSON.parse(npm(['pack', '--json', '--pack-destination', dest], join(repoRoot, dir))) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  const files = out[0].files.map((f) => f.path);
  expect(files).toContain('dist/index.js');
  expect(files).toContain('dist/index.d.ts');
  expect(files.some((f) => f.startsWith('src/'))).toBe(false);
  return join(dest, out[0].filename);
}

describe('publishing', () => {
  it('core and a plugin pack alone, install from their tarballs into a fresh project and import', () => {
    for (const p of ['packages/core', 'packages/generator-clustering']) {
      const pj = JSON.parse(readFileSync(join(repoRoot, p, 'package.json'), 'utf8'));
      expect(pj.name).toMatch(/^@acseg\//);
      expect(pj.license).toBe('MIT');
      expect(pj.exports['.'].types).toBe('./dist/index.d.ts');
      if (p !== 'packages/core') expect(pj.peerDependencies['@acseg/core']).toMatch(/^\^\d/);
    }
    const dir = tempDir('acseg-pack-');
    const core = pack('packages/core', dir);
    const plugin = pack('packages/generator-clustering', dir);
    // The plugin's own workspace dependencies are not on the registry (unpublished): they travel as tarballs too.
    const deps = Object.keys(JSON.parse(readFileSync(join(repoRoot, 'packages/generator-clustering/package.json'), 'utf8')).dependencies ?? {})
      .filter((name) => name.startsWith('@acseg/'))
      .map((name) => pack(`packages/${name.slice('@acseg/'.length)}`, dir));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module', private: true }));
    npm(['install', '--prefer-offline', '--no-package-lock', core, plugin, ...deps], dir);
    expect(existsSync(join(dir, 'node_modules/@acseg/core/dist/index.d.ts'))).toBe(true);
    writeFileSync(
      join(dir, 'check.mjs'),
      `
      import { PLUGIN_API_VERSION, validatePlugin, ComponentRegistry, registerPlugin } from '@acseg/core';
      import plugin from '@acseg/generator-clustering';
      validatePlugin(plugin, '@acseg/generator-clustering');
      const r = new ComponentRegistry();
      await registerPlugin(r, plugin, 'tarball');
      console.log(JSON.stringify({ api: PLUGIN_API_VERSION, generators: r.ids('generator') }));
    `,
    );
    const out = JSON.parse(execFileSync(process.execPath, ['check.mjs'], { cwd: dir, encoding: 'utf8' }));
    expect(out.api).toBe(1);
    expect(out.generators).toContain('kmeans');
  });
});
