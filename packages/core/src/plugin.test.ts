import { describe, expect, it } from 'vitest';
import { AcsegError, UnknownComponentError } from './errors.js';
import { opt, v } from './options.js';
import { PLUGIN_API_VERSION, validatePlugin, type ComponentServices, type PluginManifest } from './plugin.js';
import { ComponentRegistry, createComponent, registerPlugin } from './registry.js';
import { silentLogger, silentProgress } from './log.js';
import { componentRecordOf } from './component-record.js';

const ok = { name: 'p', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, register() {} };

describe('validatePlugin', () => {
  it('accepts a manifest and names what is missing otherwise', () => {
    expect(validatePlugin(ok, 'x')).toBe(ok);
    expect(() => validatePlugin(null, 'pkg-a')).toThrow(/pkg-a is not an acseg plugin: its default export is null/);
    expect(() => validatePlugin({ name: 'p' }, 'pkg-b')).toThrow(/missing or wrong version, apiVersion, register/);
  });

  it('refuses another API version with advice in the direction of the mismatch', () => {
    try {
      validatePlugin({ ...ok, apiVersion: PLUGIN_API_VERSION + 1 }, 'pkg');
      expect.fail('should throw');
    } catch (e) {
      expect((e as AcsegError).code).toBe('PLUGIN_API_MISMATCH');
      expect((e as AcsegError).hint).toMatch(/upgrade/);
    }
    expect(() => validatePlugin({ ...ok, apiVersion: 0 }, 'pkg')).toThrow(/targets plugin API 0/);
  });
});

describe('ComponentRegistry', () => {
  const spec = { description: 'd', create: () => ({}) as never };
  it('lists components by kind and refuses duplicates naming both plugins', () => {
    const r = new ComponentRegistry();
    r.forPlugin('a', 'built-in').generator('acg', spec);
    r.forPlugin('b', 'x.mjs').generator('kmeans', spec);
    r.forPlugin('b', 'x.mjs').classifier('kmeans', spec);
    expect(r.ids('generator')).toEqual(['acg', 'kmeans']);
    expect(r.get('classifier', 'kmeans').plugin).toBe('b');
    expect(() => r.forPlugin('c', 'y.mjs').generator('acg', spec)).toThrow(/generator "acg" is registered twice: by a \(built-in\) and by c \(y\.mjs\)/);
  });

  it('an unknown id lists the known ones', () => {
    const r = new ComponentRegistry();
    r.forPlugin('a', 'built-in').backbone('dino', spec);
    expect(() => r.get('backbone', 'vit')).toThrow(UnknownComponentError);
    expect(() => r.get('backbone', 'vit')).toThrow(/Available backbones: dino/);
    expect(() => r.forPlugin('a', 'b').backbone('Bad Id', spec)).toThrow(/ids are lower-case/);
  });
});

describe('declarative manifests', () => {
  const services: ComponentServices = { log: silentLogger, progress: silentProgress, cacheDir: '.', verbose: false };
  let created = 0;
  const manifest: PluginManifest = {
    name: 'decl',
    version: '1.0.0',
    apiVersion: PLUGIN_API_VERSION,
    generators: {
      g: {
        description: 'a generator',
        options: v.object({ k: opt.int('k', { min: 1, default: 3 }) }),
        create: (o, s) => {
          created++;
          return { o, s } as never;
        },
      },
      broken: { description: 'its module is missing', create: async () => (await import(`./no-such-module-${Date.now()}.js`)) as never },
    },
    classifiers: { c: { description: 'a classifier', needs: { memoryBank: true }, create: () => ({}) as never } },
  };

  it('is validated like any plugin and registers its components, as the older register() shape still does', async () => {
    expect(validatePlugin(manifest, 'decl')).toBe(manifest);
    expect(() => validatePlugin({ name: 'p', version: '1', apiVersion: PLUGIN_API_VERSION, generators: 3 }, 'x')).toThrow(/missing or wrong generators/);
    const r = new ComponentRegistry();
    await registerPlugin(r, manifest, 'built-in');
    await registerPlugin(r, { ...ok, name: 'old', register: (c) => c.backbone('b', { description: 'd', create: () => ({}) as never }) }, 'x.mjs');
    expect(r.list().map((e) => `${e.kind}:${e.id}:${e.plugin}`)).toEqual(['backbone:b:old', 'classifier:c:decl', 'generator:broken:decl', 'generator:g:decl']);
    expect(r.get('classifier', 'c').spec.needs).toEqual({ memoryBank: true });
  });

  it('checks options against the schema before the factory runs, and hands it the services', async () => {
    const r = new ComponentRegistry();
    r.addManifest(manifest, 'built-in');
    created = 0;
    await expect(createComponent(r.get('generator', 'g'), { k: 0 }, services)).rejects.toThrow('generator g: option k must be an integer ≥ 1, got 0');
    expect(created).toBe(0);
    const made = await createComponent<{ o: unknown; s: unknown }>(r.get('generator', 'g'), { k: '4', extra: 'kept' }, services);
    expect(made.o).toEqual({ k: 4, extra: 'kept' });
    expect(made.s).toBe(services);
  });

  it('records what built each component (registered name, parsed options, plugin and version), for another command to rebuild it', async () => {
    const r = new ComponentRegistry();
    r.addManifest(manifest, 'built-in');
    await registerPlugin(
      r,
      { ...ok, name: 'old', version: '0.3.0', register: (c) => c.backbone('b', { description: 'd', create: () => ({}) as never }) },
      'x.mjs',
    );
    const g = await createComponent(r.get('generator', 'g'), { k: '4', gone: undefined }, services);
    // The schema's parse (k '4' → 4), undefined entries dropped: what JSON can hold.
    expect(componentRecordOf(g)).toEqual({ kind: 'generator', name: 'g', options: { k: 4 }, plugin: 'decl', pluginVersion: '1.0.0' });
    const defaults = await createComponent(r.get('generator', 'g'), {}, services);
    expect(componentRecordOf(defaults)?.options).toEqual({ k: 3 });
    const b = await createComponent(r.get('backbone', 'b'), { at: 2 }, services);
    expect(componentRecordOf(b)).toEqual({ kind: 'backbone', name: 'b', options: { at: 2 }, plugin: 'old', pluginVersion: '0.3.0' });
    // Options JSON cannot hold (a function) leave no record: nothing could rebuild the component from one.
    expect(componentRecordOf(await createComponent(r.get('backbone', 'b'), { onImage: () => 0 }, services))).toBeUndefined();
    expect(componentRecordOf({})).toBeUndefined();
  });

  it('a component whose module fails to load is an error naming it, its plugin and the cause', async () => {
    const r = new ComponentRegistry();
    r.addManifest(manifest, 'built-in');
    const e = (await createComponent(r.get('generator', 'broken'), {}, services).catch((x: unknown) => x)) as AcsegError;
    expect(e).toBeInstanceOf(AcsegError);
    expect(e.code).toBe('PLUGIN_FAILED');
    expect(e.message).toMatch(/^generator broken \(plugin decl, built-in\) failed to load: .*no-such-module/);
    expect((e.cause as Error).message).toMatch(/no-such-module/);
  });
});
