import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildVitOnnx, inferVitConfig } from '@acseg/backbone-dino';
import { TINY, makeVitWeights } from '../../../packages/backbone-dino/src/testing/tiny-vit.js';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const samples = join(repoRoot, 'samples');

/** A tiny random ViT named "tiny-vit"; `salt` changes its weights only (same name, shape and size). */
function tinyVit(salt: number): Uint8Array {
  const w = makeVitWeights(TINY);
  w['layernorm.bias'].data[0] += salt;
  return buildVitOnnx(w, inferVitConfig(w, 'tiny', { num_attention_heads: 3 }), { inputSize: 48, modelName: 'tiny-vit' });
}

describe('a feature cache is tied to the content of its model file', () => {
  it('refuses a second model from the same folder, and the first one replaced in place; accepts a copy', () => {
    const models = join(tempDir(), 'models');
    mkdirSync(models);
    const a = join(models, 'a.onnx');
    const b = join(models, 'b.onnx');
    writeFileSync(a, tinyVit(0));
    writeFileSync(b, tinyVit(0.5));
    const cacheDir = tempDir();
    const out = join(tempDir(), 'features');
    const features = (model: string) => acseg(['features', '--images', samples, '--out', out, '--backbone', 'dino', '--model', model, '--cache-dir', cacheDir]);

    const first = features(a);
    expect(first.status, first.stderr).toBe(0);
    const info = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')).info;
    expect(info).toMatchObject({ model: 'tiny-vit', modelFile: a, modelSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // ... and the component that made them, to build it again (acseg explore): its name, options as built, plugin.
    expect(info.component).toMatchObject({ kind: 'backbone', name: 'dino', options: { model: a, features: 'tokens' }, plugin: '@acseg/backbone-dino' });

    const other = features(b);
    expect(other.status).toBe(1);
    expect(other.stderr).toContain(`this feature cache holds features of model tiny-vit (${a}, sha256 ${info.modelSha256.slice(0, 12)}…)`);
    expect(other.stderr).toContain(`this run asks for model tiny-vit (${b}, sha256 `);

    // The same bytes elsewhere are the same model: resumed, nothing recomputed.
    const copy = join(tempDir(), 'copy.onnx');
    copyFileSync(a, copy);
    const again = features(copy);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('(0 computed now, 5 already there, 0 skipped)');

    // a.onnx replaced in place by other weights: refused although the path and the name are the same.
    writeFileSync(a, tinyVit(0.25));
    const replaced = features(a);
    expect(replaced.status).toBe(1);
    expect(replaced.stderr).toMatch(/model content: sha256 [0-9a-f]{12}… ≠ [0-9a-f]{12}…/);
  });
});

describe('train --images with a ViT model file', () => {
  it('trains on the features of the model given by --model, and refuses --model with --features', () => {
    const model = join(tempDir(), 'vit.onnx');
    writeFileSync(model, tinyVit(0));
    const out = join(tempDir(), 'ckpt');
    const r = acseg(['train', '--images', samples, '--backbone', 'dino', '--model', model, '--out', out, '--iterations', '2', '--batch-size', '2', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    // The checkpoint records the feature dimension of this model (d = 48), not the weight-free backbone's 96.
    expect(readFileSync(join(out, 'config.json'), 'utf8')).toMatch(/"(featureDim|dim|inputDim)":\s*48/);
    const wrong = acseg(['train', '--features', out, '--model', model, '--out', join(tempDir(), 'c2')]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('--backbone and --model go with --images');
  });
});
