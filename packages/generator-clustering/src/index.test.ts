import { describe, expect, it } from 'vitest';
import { ComponentRegistry, validatePlugin, type ComponentContext, registerPlugin } from '@acseg/core';
import plugin from './index.js';
import pkg from '../package.json' with { type: 'json' };

describe('plugin', () => {
  it('is a valid plugin that registers the clustering generators', async () => {
    const p = validatePlugin(plugin, '@acseg/generator-clustering');
    expect(p.name).toBe(pkg.name);
    expect(p.version).toBe(pkg.version);
    const registry = new ComponentRegistry();
    await registerPlugin(registry, p, 'test');
    expect(registry.ids('generator')).toEqual(['agglomerative', 'ap', 'kmeans', 'spectral']);
    const spec = registry.list('generator').find((e) => e.id === 'kmeans')!.spec;
    const g = (await spec.create({ k: 3 }, {} as ComponentContext)) as { name: string; ready: boolean; k: number };
    expect([g.name, g.ready, g.k]).toEqual(['kmeans', true, 3]);
  });
});

describe('plugin factories', () => {
  it('create each generator with its options', async () => {
    const registry = new ComponentRegistry();
    await registerPlugin(registry, plugin, 'test');
    const make = (id: string, o: Record<string, unknown>) =>
      registry
        .list('generator')
        .find((e) => e.id === id)!
        .spec.create(o, {} as ComponentContext) as Promise<Record<string, unknown>> | Record<string, unknown>;
    expect(await make('spectral', { k: '4', affinity: 'knn' })).toMatchObject({ name: 'spectral', k: 4, options: { affinity: 'knn', nNeighbors: 10 } });
    expect(await make('ap', {})).toMatchObject({ name: 'ap', options: { damping: 0.5, maxIter: 200, convergenceIter: 15 } });
    expect(await make('agglomerative', { k: 3, normalize: false })).toMatchObject({ name: 'agglomerative', k: 3, normalize: false });
  });
});
