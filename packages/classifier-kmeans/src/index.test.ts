import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentRegistry, silentLogger, silentProgress, validatePlugin, type ComponentContext, type ConceptClassifier, registerPlugin } from '@acseg/core';
import { afterAll, describe, expect, it } from 'vitest';
import plugin, { KMeansClassifier, KnnClassifier } from './index.js';
import { makeScene, PlantedBackbone } from './testing/fixtures/scene.js';

const dir = await mkdtemp(join(tmpdir(), 'acseg-plugin-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const ctx: ComponentContext = { log: silentLogger, progress: silentProgress, cacheDir: dir, verbose: false };

async function registry(): Promise<ComponentRegistry> {
  const reg = new ComponentRegistry();
  await registerPlugin(reg, validatePlugin(plugin, '@acseg/classifier-kmeans'), 'test');
  return reg;
}

async function create(reg: ComponentRegistry, id: string, opts: Record<string, unknown>): Promise<ConceptClassifier> {
  return (await reg.get('classifier', id).spec.create(opts, ctx)) as ConceptClassifier;
}

describe('plugin', () => {
  it('registers kmeans, knn and background', async () => {
    expect((await registry()).ids('classifier')).toEqual(['background', 'kmeans', 'knn']);
  });
  it('reads CLI-style string options and refuses bad ones', async () => {
    const reg = await registry();
    const km = (await create(reg, 'kmeans', { K: '27', background: 'false', seed: '3', headReduce: 'mean' })) as KMeansClassifier;
    expect(km).toBeInstanceOf(KMeansClassifier);
    expect(km.K).toBe(27);
    expect(km.needs).toEqual({ regionEmbeddings: true, attention: true, fit: true });
    const knn = (await create(reg, 'knn', { K: 5, k: 99 })) as KnnClassifier;
    expect(knn.K).toBe(5);
    expect(knn.needs.fit).toBeUndefined();
    await expect(create(reg, 'kmeans', { K: 'twenty' })).rejects.toThrow(/classifier kmeans: option K must be an integer ≥ 1, got "twenty"/);
    await expect(create(reg, 'knn', { background: 'maybe' })).rejects.toThrow(/option background must be true or false/);
    await expect(create(reg, 'background', { regionReduce: 'max' })).rejects.toThrow(/option regionReduce must be one of sum, mean/);
  });
  it('loads a checkpoint given as an option', async () => {
    const backbone = new PlantedBackbone();
    const scene = makeScene(backbone, { images: 10, classes: 3, dim: 8, seed: 1 });
    const fitted = new KMeansClassifier({ K: 3 });
    await fitted.fit(scene.inputs, { backbone });
    const path = join(dir, 'c.safetensors');
    await fitted.save(path);
    const clf = await create(await registry(), 'kmeans', { checkpoint: path });
    expect(await clf.classify(scene.inputs, { backbone })).toEqual(await fitted.classify(scene.inputs, { backbone }));
    await expect(create(await registry(), 'knn', { checkpoint: join(dir, 'missing.safetensors') })).rejects.toThrow(/missing\.safetensors: cannot read/);
  });
});
