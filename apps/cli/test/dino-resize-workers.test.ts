import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildVitOnnx, DinoBackbone, inferVitConfig } from '@acseg/backbone-dino';
import { FeatureCache } from '@acseg/feature-cache';
import { makeFamilyWeights } from '../../../packages/backbone-dino/src/testing/family-weights.js';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

describe('DINO features with the resizes on worker threads (the built CLI)', () => {
  it('are bit for bit those of resizing on the calling thread; a bad file in a batch is still skipped by name', async () => {
    const dir = tempDir();
    const images = join(dir, 'images');
    const names = ['beach', 'fruit', 'meadow', 'mountains', 'street'];
    mkdirSync(images);
    // Each sample twice and a broken file: two batches of 8 and 3, one with a hole.
    for (const n of names) {
      copyFileSync(join(repoRoot, 'samples', `${n}.jpg`), join(images, `${n}.jpg`));
      copyFileSync(join(repoRoot, 'samples', `${n}.jpg`), join(images, `${n}-2.jpg`));
    }
    writeFileSync(join(images, 'broken.jpg'), 'not an image');
    const w = makeFamilyWeights({ family: 'dino', dim: 48, depth: 2, heads: 3, mlpDim: 96, patchSize: 16, imageSize: 224, registers: 0 });
    const model = join(dir, 'tiny.onnx');
    writeFileSync(model, buildVitOnnx(w, inferVitConfig(w, 'tiny', { num_attention_heads: 3 }), { inputSize: 224, modelName: 'tiny-dino' }));
    const out = join(dir, 'features');
    const r = acseg(['features', '--images', images, '--out', out, '--backbone', 'dino', '--model', model, '--cache-dir', tempDir()]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('broken.jpg');

    const cache = await FeatureCache.open(out);
    const local = await DinoBackbone.load({ model, provider: 'cpu', resizeWorkers: 0 });
    try {
      const files = names.flatMap((n) => [`${n}-2.jpg`, `${n}.jpg`]).map((f) => join(images, f));
      // The CLI's batches were the sorted folder with broken.jpg among them: the same batches here.
      const sorted = [...files, join(images, 'broken.jpg')].sort();
      const mine = new Map<string, Float32Array>();
      for await (const res of local.extract(sorted)) if (res.ok) mine.set(res.features.id, res.features.tokens);
      expect(cache.ids.length).toBe(10);
      const maps = await cache.read(cache.ids.map((_, i) => i));
      for (const f of maps) {
        const want = mine.get(f.id);
        expect(want, f.id).toBeDefined();
        expect(Buffer.from(f.tokens.buffer, f.tokens.byteOffset, f.tokens.byteLength).equals(Buffer.from(want!.buffer)), f.id).toBe(true);
      }
    } finally {
      await local.dispose();
      await cache.close();
    }
  });
});
