import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, silentProgress, type RegionMap } from '@acseg/core';
import { buildVitOnnx, createDinoBackbone, inferVitConfig } from '@acseg/backbone-dino';
import { embedRegions } from '@acseg/classifier-kmeans';
import { FeatureCache, type CacheIndex } from '@acseg/feature-cache';
import { buildExplorer } from '@acseg/explorer';
import { TINY, makeVitWeights } from '../../../packages/backbone-dino/src/testing/tiny-vit.js';
import { ExploreData } from '../../../packages/explorer/src/figure-parts.js';
import { readIndexPng } from '../../../packages/explorer/src/maps.js';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const IDS = ['im0', 'im1', 'im2', 'im3'];
const K = 3;
const dinoVersion = (JSON.parse(readFileSync(join(repoRoot, 'packages/backbone-dino/package.json'), 'utf8')) as { version: string }).version;

/** 64×48 pictures of three colour bands (in another order per image) with deterministic noise, so crops differ. */
async function writeImages(dir: string): Promise<void> {
  const colours = [
    [200, 30, 30],
    [30, 200, 30],
    [30, 30, 200],
    [200, 200, 30],
  ];
  let x = 7;
  for (const [m, id] of IDS.entries()) {
    const rgb = Buffer.alloc(64 * 48 * 3);
    for (let p = 0; p < 64 * 48; p++) {
      const band = Math.min(2, Math.floor((p % 64) / 22));
      const c = colours[(band + m) % 4];
      for (let ch = 0; ch < 3; ch++) {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        rgb[p * 3 + ch] = Math.max(0, Math.min(255, c[ch] + ((x >>> 24) % 41) - 20));
      }
    }
    await sharp(rgb, { raw: { width: 64, height: 48, channels: 3 } })
      .png()
      .toFile(join(dir, `${id}.png`));
  }
}

const regionMapOf = (m: { width: number; height: number; data: Uint8Array }): RegionMap => {
  const count = Math.max(...m.data) + 1;
  const pixelCounts = new Array<number>(count).fill(0);
  for (const v of m.data) pixelCounts[v]++;
  return { width: m.width, height: m.height, labels: Uint16Array.from(m.data), count, concepts: Array.from({ length: count }, (_, r) => r), pixelCounts };
};

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, v, j) => s + v * b[j], 0) / (Math.hypot(...a) * Math.hypot(...b));

describe('acseg explore on a run made with a (tiny, random-weight) DINO backbone', () => {
  const dir = tempDir();
  const images = join(dir, 'images');
  const model = join(dir, 'tiny-vit.onnx');
  const out = join(dir, 'out');
  const cache = join(dir, 'cache');
  const cacheDir = join(dir, 'model-cache');

  beforeAll(async () => {
    mkdirSync(images);
    await writeImages(images);
    const w = makeVitWeights(TINY);
    writeFileSync(model, buildVitOnnx(w, inferVitConfig(w, 'tiny', { num_attention_heads: 3 }), { inputSize: 48, modelName: 'tiny-vit' }));
    const seg = acseg([
      'segment',
      ...['--images', images, '--out', out, '--features-cache', cache, '--backbone', 'dino', '--model', model],
      ...['--generator', 'kmeans', '--k', '3', '--cache-dir', cacheDir, '--quiet'],
    ]);
    expect(seg.status, seg.stderr).toBe(0);
  }, 240_000);

  it('the feature cache records the backbone component: name, options as built, plugin and version', () => {
    const index = JSON.parse(readFileSync(join(cache, 'index.json'), 'utf8')) as CacheIndex;
    expect(index.info.component).toEqual({
      kind: 'backbone',
      name: 'dino',
      options: expect.objectContaining({ model, features: 'tokens' }),
      plugin: '@acseg/backbone-dino',
      pluginVersion: dinoVersion,
    });
  });

  it('retrieval uses the k-NN classifier’s embedding of the regions (masked crops through the ViT) by default, computed once', async () => {
    const r = acseg(['explore', out, '--features', cache, '--epochs', '20', '--cache-dir', cacheDir, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const words = `backbone dino (plugin @acseg/backbone-dino ${dinoVersion}, recorded in the feature cache), as the k-NN classifier makes them`;
    expect(r.stdout).toContain(`\nretrieval: ${words}\n`);
    const data = await ExploreData.open(join(out, 'explore'));
    expect(data.index.notes).toContain(`region embeddings (retrieval): ${words}`);
    expect(data.index.embedding?.source).toBe(words);

    // Independently: the classifier's own embedding (classifier-kmeans embedRegions, the path the k-NN takes) of the
    // same regions, from the same model built in process.
    const backbone = await createDinoBackbone({ model }, { log: silentLogger, progress: silentProgress, cacheDir, verbose: false });
    const features = await FeatureCache.open(cache);
    const rows: Array<{ i: number; r: number; e: Float32Array }> = [];
    try {
      for (let i = 0; i < IDS.length; i++) {
        const rec = await data.image(i);
        const regions = regionMapOf(await readIndexPng(join(out, `${rec.id}.regions.png`)));
        const [f] = await features.read([features.indexOf(rec.id)]);
        const [set] = await embedRegions([{ image: join(images, `${rec.id}.png`), features: f, regions }], { backbone }, { background: false }, 'knn');
        set.foreground.forEach((reg, j) => rows.push({ i, r: reg, e: set.embeddings[j] }));
      }
    } finally {
      await features.close();
      await backbone.dispose?.();
    }
    // The stored rows are those embeddings, within the int8 storage (value × 127, rounded).
    const t = readFileSync(join(out, 'explore', 'data', 'emb-0001.js'), 'utf8');
    const stored = JSON.parse(t.slice(t.indexOf(', ') + 2, t.lastIndexOf(')'))) as { refs: Array<[number, number]>; dim: number; q: string };
    expect(stored.refs).toEqual(rows.map((x) => [x.i, x.r]));
    expect(stored.dim).toBe(TINY.dim);
    const q = new Int8Array(Buffer.from(stored.q, 'base64'));
    rows.forEach((x, row) => x.e.forEach((v, j) => expect(Math.abs(q[row * stored.dim + j] - v * 127)).toBeLessThanOrEqual(0.5 + 1e-3)));
    // ... and so are the retrieval neighbours: the K regions of other images with the highest cosine.
    for (const x of rows) {
      const expected = rows
        .filter((y) => y.i !== x.i)
        .map((y) => ({ i: y.i, r: y.r, cos: cosine(x.e, y.e) }))
        .sort((a, b) => b.cos - a.cos)
        .slice(0, K);
      const found = await data.nearest(x.i, x.r, K);
      expect(found!.map((n) => [n.i, n.r])).toEqual(expected.map((n) => [n.i, n.r]));
    }
    // Not the pooled cached features: those give other rows.
    const pooled = await buildExplorer({ run: out, out: join(dir, 'pooled'), features: cache, epochs: 20 });
    const p = readFileSync(join(pooled.dir, 'data', 'emb-0001.js'), 'utf8');
    const pq = new Int8Array(Buffer.from((JSON.parse(p.slice(p.indexOf(', ') + 2, p.lastIndexOf(')'))) as { q: string }).q, 'base64'));
    expect(Math.max(...q.map((v, j) => Math.abs(v - pq[j])))).toBeGreaterThan(10);

    // Embeddings computed once: a rebuild reads all from explore/.embeddings/, the same rows.
    const again = acseg(['explore', out, '--features', cache, '--epochs', '20', '--cache-dir', cacheDir, '--quiet']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain(`retrieval: ${words} (4 images' embeddings from its cache)`);
    expect(readFileSync(join(out, 'explore', 'data', 'emb-0001.js'), 'utf8')).toBe(t);
  }, 240_000);

  it('falls back to the pooled features, said in one line and on the page: a cache without the record, a model gone, images moved', async () => {
    // A cache written before the record (as every cache was): the same index without info.component.
    const old = join(dir, 'old-cache');
    mkdirSync(old);
    for (const name of ['index.json', 'shard-00000.safetensors']) writeFileSync(join(old, name), readFileSync(join(cache, name)));
    const index = JSON.parse(readFileSync(join(old, 'index.json'), 'utf8')) as CacheIndex;
    delete index.info.component;
    writeFileSync(join(old, 'index.json'), JSON.stringify(index));
    const r = acseg(['explore', out, '--out', join(dir, 'x-old'), '--features', old, '--epochs', '20', '--cache-dir', cacheDir, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const words =
      'pixel-weighted means of the cached patch features (the feature cache records no backbone component: written before acseg recorded it, or imported)';
    expect(r.stdout.split('\n').filter((l) => l.startsWith('retrieval:'))).toEqual([`retrieval: ${words}`]);
    expect((await ExploreData.open(join(dir, 'x-old'))).index.embedding?.source).toBe(words);
    const pooled = await buildExplorer({ run: out, out: join(dir, 'pooled-old'), features: old, epochs: 20 });
    expect(readFileSync(join(dir, 'x-old', 'data', 'emb-0001.js'), 'utf8')).toBe(readFileSync(join(pooled.dir, 'data', 'emb-0001.js'), 'utf8'));

    // The recorded model file is gone: the backbone cannot be built, said, and retrieval still works from the cache.
    renameSync(model, `${model}.moved`);
    try {
      const gone = acseg(['explore', out, '--out', join(dir, 'x-gone'), '--features', cache, '--epochs', '20', '--cache-dir', cacheDir, '--quiet']);
      expect(gone.status, gone.stderr).toBe(0);
      expect(gone.stdout).toMatch(
        /\nretrieval: pixel-weighted means of the cached patch features \(backbone dino recorded in the feature cache cannot be built: .*tiny-vit\.onnx/,
      );
      expect(readFileSync(join(dir, 'x-gone', 'data', 'emb-0001.js'), 'utf8')).toBe(readFileSync(join(pooled.dir, 'data', 'emb-0001.js'), 'utf8'));
    } finally {
      renameSync(`${model}.moved`, model);
    }
    // The run's images moved away: the crops cannot be made, so every image gets the pooled embedding (not none).
    renameSync(images, `${images}.moved`);
    try {
      const moved = acseg(['explore', out, '--out', join(dir, 'x-moved'), '--features', cache, '--epochs', '20', '--cache-dir', cacheDir, '--quiet']);
      expect(moved.status, moved.stderr).toBe(0);
      expect(moved.stdout).toContain(
        `\nretrieval: pixel-weighted means of the cached patch features (backbone dino recorded in the feature cache is not usable: it reads the images, and 4 of 4 are not where the run read them (${join(images, 'im0.png')}, …))\n`,
      );
      expect(readFileSync(join(dir, 'x-moved', 'data', 'emb-0001.js'), 'utf8')).toBe(readFileSync(join(pooled.dir, 'data', 'emb-0001.js'), 'utf8'));
    } finally {
      renameSync(`${images}.moved`, images);
    }
  }, 240_000);
});
