import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AcsegError, PLUGIN_API_VERSION, resolveMaxPixels, type Backbone, type ComponentServices, type PluginManifest } from '@acseg/core';
import { chooseBackbone } from './components.js';
import { componentFactory } from './container/components.module.js';
import { Session } from './session.js';

const cwd = mkdtempSync(join(tmpdir(), 'acseg-session-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const seen: Array<{ id: string; services: ComponentServices }> = [];
const backbone = (name: string) => ({ name, info: { model: `${name}-model`, dim: 4 } }) as unknown as Backbone;
const manifest: PluginManifest = {
  name: 'fake-builtin',
  version: '1.0.0',
  apiVersion: PLUGIN_API_VERSION,
  backbones: {
    first: {
      description: 'model not installed',
      defaultRank: 1,
      create: () => {
        throw new AcsegError('MODEL_NOT_FOUND', 'first-model is not in the cache', { hint: 'pull it' });
      },
    },
    second: {
      description: 'weight-free',
      defaultRank: 2,
      create: (_o, services) => {
        seen.push({ id: 'second', services });
        return backbone('second');
      },
    },
  },
  generators: { g: { description: 'g', defaultRank: 1, create: () => ({}) as never } },
};
const thirdParty = {
  name: 'third-party',
  version: '0.0.1',
  apiVersion: PLUGIN_API_VERSION,
  register(c: { backbone(id: string, spec: unknown): void }) {
    c.backbone('theirs', {
      description: 'd',
      create: (_o: unknown, services: ComponentServices) => {
        seen.push({ id: 'theirs', services });
        return backbone('theirs');
      },
    });
  },
};

describe('Session', () => {
  it('a built-in plugin that fails to load is an error naming it, with its cause (not a skipped plugin)', async () => {
    const e = (await Session.open({}, cwd, ['@acseg/no-such-package/plugin']).catch((x: unknown) => x)) as AcsegError;
    expect(e).toBeInstanceOf(AcsegError);
    expect(e.code).toBe('PLUGIN_FAILED');
    expect(e.message).toMatch(/^built-in plugin @acseg\/no-such-package\/plugin failed to load: .*no-such-package/);
    expect(e.cause).toBeInstanceOf(Error);
  });

  it('takes defaults from what plugins declare, and the next backbone when a default one has no model', async () => {
    const session = await Session.open({ quiet: true }, cwd, []);
    session.registry.addManifest(manifest, 'built-in');
    expect(session.componentName('generator', undefined)).toBe('g');
    expect(session.componentName('generator', 'other')).toBe('other');
    expect(() => session.componentName('classifier', undefined)).toThrow(/no classifier named and no plugin declares a default one/);
    const lines: string[] = [];
    Object.assign(session.log, { info: (m: string) => lines.push(m) });
    expect((await chooseBackbone(session, undefined)).name).toBe('second');
    expect(lines).toEqual(['backbone: second (no first model found; pull it)']);
    // A model the user named must be there.
    await expect(chooseBackbone(session, undefined, { model: 'x' })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });
});

describe('the container', () => {
  it('gives a third-party component the very services a built-in gets', async () => {
    const session = await Session.open({ quiet: true }, cwd, []);
    session.registry.addManifest(manifest, 'built-in');
    await thirdParty.register(session.registry.forPlugin(thirdParty.name, 'x.mjs'));
    seen.length = 0;
    const make = componentFactory(session.registry, session.services);
    await make('backbone', 'second', {});
    await make('backbone', 'theirs', {});
    expect(seen.map((s) => s.id)).toEqual(['second', 'theirs']);
    expect(seen[0].services).toBe(seen[1].services);
    expect(seen[0].services).toMatchObject({ log: session.log, progress: session.progress, cacheDir: session.cacheDir, verbose: false });
    await expect(make('backbone', 'nope', {})).rejects.toThrow(/Available backbones: first, second, theirs/);
  });

  it("binds one model hub for the run: a factory gets the loaded plugins' declared models in the run's cache folder", async () => {
    const file = join(cwd, 'declares-model.mjs');
    writeFileSync(
      file,
      `export default { name: 'acme', version: '1.0.0', apiVersion: ${PLUGIN_API_VERSION},
  models: { 'acme-vit': { description: 'd', repo: 'acme/vit', files: ['onnx/model.onnx'], layout: 'hub-onnx' } },
  backbones: { acme: { description: 'd', create: (_o, services) => { globalThis.acmeServices = services; return { name: 'acme', info: {} }; } } } };
`,
    );
    const cacheDir = join(cwd, 'cache');
    const session = await Session.open({ quiet: true, plugin: [file], cacheDir }, cwd, []);
    await session.create('backbone', 'acme');
    const services = (globalThis as { acmeServices?: ComponentServices }).acmeServices!;
    expect(services.models).toBe(session.models);
    expect(services.models!.cacheDir).toBe(cacheDir);
    expect(services.models!.names()).toEqual(['acme-vit']);
    await expect(services.models!.resolve('acme-vit')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', file: join(cacheDir, 'models', 'acme-vit', 'main') });
  });

  it("binds one image decoder for the run, with the run's pixel limit: every component gets the same one", async () => {
    const session = await Session.open({ quiet: true }, cwd, []);
    session.registry.addManifest(manifest, 'built-in');
    await thirdParty.register(session.registry.forPlugin(thirdParty.name, 'x.mjs'));
    seen.length = 0;
    const make = componentFactory(session.registry, session.services);
    await make('backbone', 'second', {});
    await make('backbone', 'theirs', {});
    const images = seen[0].services.images;
    expect(images).toBeDefined();
    expect(seen[1].services.images).toBe(images);
    expect(images!.maxPixels).toBe(resolveMaxPixels(undefined));
    const e = await images!.decode(join(cwd, 'missing.png')).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'BAD_IMAGE', message: `${join(cwd, 'missing.png')}: the file does not exist` });
  });
});
