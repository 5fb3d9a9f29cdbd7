import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ComponentRegistry, createComponent, opt, silentLogger, silentProgress, v, type AcsegError, type ComponentServices } from '@acseg/core';
import { FeatureCache, writeFeatureCache, type CacheIndex } from './index.js';
import { FakeBackbone } from './testing/fake-backbone.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tmp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fcache-component-'));
  made.push(dir);
  return dir;
}
const names = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `/data/img${from + i}.jpg`);
const services: ComponentServices = { log: silentLogger, progress: silentProgress, cacheDir: '.', verbose: false };

/** A registry with one backbone "fake" of plugin "fake-plugin" 2.1.0, whose options have a default. */
function registry(): ComponentRegistry {
  const r = new ComponentRegistry();
  r.addManifest(
    {
      name: 'fake-plugin',
      version: '2.1.0',
      apiVersion: 1,
      backbones: {
        fake: {
          description: 'a fake backbone',
          options: v.object({ model: opt.string('model', 'fake-model'), batchSize: opt.int('batch', { min: 1 }) }),
          create: (o) => new FakeBackbone({ model: o.model as string }),
        },
      },
    },
    'built-in',
  );
  return r;
}
const readIndex = async (out: string) => JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as CacheIndex;

describe('a cache records the backbone component that made it', () => {
  it('writes its registered name, parsed options and plugin name/version into info.component, and reads them back', async () => {
    const out = await tmp();
    const backbone = await createComponent<FakeBackbone>(registry().get('backbone', 'fake'), { batchSize: '4' }, services);
    await writeFeatureCache({ backbone, images: names(2), out });
    const expected = { kind: 'backbone', name: 'fake', options: { model: 'fake-model', batchSize: 4 }, plugin: 'fake-plugin', pluginVersion: '2.1.0' };
    expect((await readIndex(out)).info.component).toEqual(expected);
    const cache = await FeatureCache.open(out);
    expect(cache.info.component).toEqual(expected);
    await cache.close();
  });

  it('a backbone made without the registry records none, and such a cache (as every cache before the record) still opens', async () => {
    const out = await tmp();
    await writeFeatureCache({ backbone: new FakeBackbone({ model: 'fake-model' }), images: names(2), out });
    expect((await readIndex(out)).info.component).toBeUndefined();
    const cache = await FeatureCache.open(out);
    expect(cache.length).toBe(2);
    await cache.close();
  });

  it('an old cache gets the record of the run that resumes it; a recorded one keeps its own', async () => {
    const out = await tmp();
    await writeFeatureCache({ backbone: new FakeBackbone({ model: 'fake-model' }), images: names(2), out });
    const r = registry();
    const first = await createComponent<FakeBackbone>(r.get('backbone', 'fake'), { batchSize: 2 }, services);
    const res = await writeFeatureCache({ backbone: first, images: names(3), out });
    expect(res).toMatchObject({ written: 1, resumed: 2 });
    expect((await readIndex(out)).info.component?.options).toEqual({ model: 'fake-model', batchSize: 2 });
    const second = await createComponent<FakeBackbone>(r.get('backbone', 'fake'), { batchSize: 8 }, services);
    await writeFeatureCache({ backbone: second, images: names(4), out });
    expect((await readIndex(out)).info.component?.options).toEqual({ model: 'fake-model', batchSize: 2 });
  });

  it('a malformed record is a damaged index, named', async () => {
    const out = await tmp();
    await writeFeatureCache({ backbone: new FakeBackbone({ model: 'fake-model' }), images: names(1), out });
    const index = await readIndex(out);
    await writeFile(join(out, 'index.json'), JSON.stringify({ ...index, info: { ...index.info, component: { name: 3 } } }));
    const e = (await FeatureCache.open(out).catch((x: unknown) => x)) as AcsegError;
    expect(e.message).toContain('"info.component" is malformed');
    expect(e.message).toContain(join(out, 'index.json'));
  });
});
