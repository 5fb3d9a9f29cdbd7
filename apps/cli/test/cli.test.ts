import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { acseg, pluginSource, removeTempDirs, tempDir, writeFiles } from './helpers.js';

afterAll(removeTempDirs);

describe('acseg CLI: commands and component names', () => {
  it('--help lists every command', () => {
    const r = acseg(['--help']);
    expect(r.status).toBe(0);
    for (const cmd of ['run', 'segment', 'train', 'features', 'eval', 'models', 'plugins']) expect(r.stdout).toMatch(new RegExp(`acseg ${cmd}\\b`));
  });

  it('an unknown generator exits 2 and lists the available ones, without a stack trace', () => {
    const dir = tempDir();
    writeFiles(dir, { 'p.mjs': pluginSource('test-plugin', { generator: 'fixed-five' }) });
    const r = acseg(['run', '--generator', 'nope', '--images', dir, '--out', join(dir, 'o'), '--plugin', './p.mjs'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown generator "nope"\. Available generators: .*fixed-five/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unknown command or flag exits 2', () => {
    expect(acseg(['frobnicate']).status).toBe(2);
    expect(acseg(['plugins', 'list', '--no-such-flag']).status).toBe(2);
  });
});

describe('acseg CLI: loading plugins', () => {
  it('loads plugins from --plugin, the config file and the acseg-plugin-* convention, and says where each came from', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'local.mjs': pluginSource('local-plugin', { generator: 'from-flag' }),
      'cfg/plugin.mjs': pluginSource('config-plugin', { classifier: 'from-config' }),
      'acseg.config.json': JSON.stringify({ plugins: [['./cfg/plugin.mjs', { some: 'option' }]] }),
      'node_modules/acseg-plugin-auto/package.json': JSON.stringify({ name: 'acseg-plugin-auto', type: 'module', exports: { '.': './index.js' } }),
      'node_modules/acseg-plugin-auto/index.js': pluginSource('acseg-plugin-auto', { generator: 'from-install' }),
    });
    const r = acseg(['plugins', 'list', '--json', '--plugin', './local.mjs'], dir);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { components: Array<{ id: string; origin: string; plugin: string }> };
    const byId = Object.fromEntries(out.components.map((c) => [c.id, c]));
    expect(byId['from-flag'].origin).toMatch(/^--plugin .*local\.mjs$/);
    expect(byId['from-config'].origin).toMatch(/^config .*cfg\/plugin\.mjs$/);
    expect(byId['from-install'].origin).toMatch(/^installed .*acseg-plugin-auto/);
    const text = acseg(['plugins', 'list', '--plugin', './local.mjs'], dir);
    expect(text.stdout).toMatch(/local-plugin@1\.2\.3/);
    expect(text.stdout).toMatch(/from-flag\s+test generator\s+\[local-plugin\]/);
  });

  it('resolves a short package name through the naming convention', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'node_modules/@me/acseg-plugin-short/package.json': JSON.stringify({ name: '@me/acseg-plugin-short', type: 'module', main: 'main.js' }),
      'node_modules/@me/acseg-plugin-short/main.js': pluginSource('@me/acseg-plugin-short', { generator: 'short' }),
    });
    const r = acseg(['plugins', 'list', '--json', '--plugin', '@me/short'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('"short"');
  });

  it('an installed plugin also named with --plugin (path, entry file or name) loads once', () => {
    // As npm workspaces install it: node_modules/<name> is a link to the package's folder.
    const dir = tempDir();
    writeFiles(dir, {
      'packages/acseg-plugin-twice/package.json': JSON.stringify({ name: 'acseg-plugin-twice', type: 'module', exports: { '.': './dist/index.js' } }),
      'packages/acseg-plugin-twice/dist/index.js': pluginSource('acseg-plugin-twice', { classifier: 'twice' }),
    });
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(join('..', 'packages', 'acseg-plugin-twice'), join(dir, 'node_modules', 'acseg-plugin-twice'), 'junction');
    for (const spec of ['./packages/acseg-plugin-twice', './packages/acseg-plugin-twice/dist/index.js', 'twice', 'acseg-plugin-twice']) {
      const r = acseg(['plugins', 'list', '--json', '--plugin', spec], dir);
      expect(r.status, `${spec}: ${r.stderr}`).toBe(0);
      const out = JSON.parse(r.stdout) as { components: Array<{ id: string; origin: string }> };
      const found = out.components.filter((c) => c.id === 'twice');
      expect(found, spec).toHaveLength(1);
      expect(found[0].origin).toMatch(/^installed /);
    }
  });

  const bad: Array<[string, Record<string, string>, string[], RegExp]> = [
    ['a plugin path that does not exist', {}, ['--plugin', './missing.mjs'], /plugin path \.\/missing\.mjs does not exist/],
    ['a package that is not installed', {}, ['--plugin', 'nothing-here'], /plugin package "nothing-here" is not installed.*acseg-plugin-nothing-here/],
    [
      'a module that is not a plugin',
      { 'x.mjs': 'export default { hello: 1 };' },
      ['--plugin', './x.mjs'],
      /x\.mjs\) is not an acseg plugin: missing or wrong name, version, apiVersion, register/,
    ],
    ['a module that throws on import', { 'x.mjs': 'throw new Error("boom");' }, ['--plugin', './x.mjs'], /failed to load: boom/],
    [
      'an incompatible apiVersion',
      { 'x.mjs': pluginSource('future-plugin', { apiVersion: 99 }) },
      ['--plugin', './x.mjs'],
      /future-plugin@1\.2\.3 .* targets plugin API 99, but this acseg speaks API 1/,
    ],
    ['a malformed JSON config', { 'acseg.config.json': '{ "plugins": [ ' }, [], /acseg\.config\.json: not valid JSON/],
    ['a config with a wrong field', { 'acseg.config.json': '{ "plugins": [42] }' }, [], /acseg\.config\.json: plugins\.0: must be a package name or path/],
    ['a config with an unknown key', { 'acseg.config.json': '{ "plugin": [] }' }, [], /acseg\.config\.json: plugin: unknown key/],
    ['an .mjs config that throws', { 'acseg.config.mjs': 'throw new Error("cfg broke")' }, [], /acseg\.config\.mjs: failed to load \(cfg broke\)/],
    [
      'a plugin whose register() throws',
      { 'x.mjs': "export default { name: 'broken-plugin', version: '1.0.0', apiVersion: 1, register() { throw new Error('kaput'); } };" },
      ['--plugin', './x.mjs'],
      /plugin broken-plugin \(.*x\.mjs\) failed while registering: kaput/,
    ],
    [
      'a plugin registering a malformed id',
      {
        'x.mjs':
          "export default { name: 'bad-id-plugin', version: '1.0.0', apiVersion: 1, register(c) { c.generator('Bad Id', { description: 'x', create: () => ({}) }); } };",
      },
      ['--plugin', './x.mjs'],
      /bad-id-plugin .*"Bad Id": ids are lower-case/,
    ],
    [
      'two plugins claiming one id',
      { 'a.mjs': pluginSource('plug-a', { generator: 'same' }), 'b.mjs': pluginSource('plug-b', { generator: 'same' }) },
      ['--plugin', './a.mjs', '--plugin', './b.mjs'],
      /generator "same" is registered twice: by plug-a .* and by plug-b/,
    ],
  ];
  for (const [what, files, args, message] of bad) {
    it(`${what}: one clear error, exit 2, no stack trace (stack with --verbose)`, () => {
      const dir = tempDir();
      writeFiles(dir, files);
      const r = acseg(['plugins', 'list', ...args], dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
      const v = acseg(['plugins', 'list', '--verbose', ...args], dir);
      expect(v.status).toBe(2);
      expect(v.stderr).toMatch(/\n\s+at /);
    });
  }
});
