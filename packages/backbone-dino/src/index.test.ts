import { silentLogger, silentProgress, validatePlugin, type BackboneSpec, type ComponentContext, type PluginManifest } from '@acseg/core';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import plugin from './index.js';
import { HUB_FIXTURE } from './testing/reference.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'dino-plugin-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
const context: ComponentContext = { log: silentLogger, progress: silentProgress, cacheDir, verbose: false };

function dinoSpec(): BackboneSpec {
  const specs: Record<string, BackboneSpec> = {};
  Object.assign(specs, (validatePlugin(plugin, '@acseg/backbone-dino') as PluginManifest).backbones);
  expect(Object.keys(specs)).toEqual(['dino']);
  return specs.dino;
}

describe('plugin manifest', () => {
  it('registers backbone "dino" and creates it from flat CLI options', async () => {
    const b = await dinoSpec().create({ model: HUB_FIXTURE, batchSize: '4', provider: 'cpu', unrelated: 1 }, context);
    expect(b.info).toMatchObject({ model: 'tiny-hub', inputSize: 48, heads: 3, runtime: 'onnxruntime cpu' });
    // The model's content hash, remembered in the context's cache folder.
    const file = join(HUB_FIXTURE, 'onnx', 'model.onnx');
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    expect(b.info).toMatchObject({ modelFile: resolve(file), modelSha256: sha });
    expect(JSON.parse(readFileSync(join(cacheDir, 'model-hashes.json'), 'utf8')).files[resolve(file)]).toMatchObject({ sha256: sha });
    await b.dispose?.();
  });

  it('validates options with BAD_CONFIG errors', async () => {
    const spec = dinoSpec();
    await expect(spec.create({ model: HUB_FIXTURE, batchSize: 0 }, context)).rejects.toMatchObject({
      code: 'BAD_CONFIG',
      message: expect.stringMatching(/batchSize/),
    });
    await expect(spec.create({ model: HUB_FIXTURE, features: 'values' }, context)).rejects.toMatchObject({
      code: 'BAD_CONFIG',
      message: expect.stringMatching(/features must be one of tokens, keys/),
    });
    await expect(spec.create({ model: HUB_FIXTURE, provider: 'tpu' }, context)).rejects.toMatchObject({ code: 'BAD_CONFIG' });
    await expect(spec.create({ model: HUB_FIXTURE, inputSize: 'big' }, context)).rejects.toMatchObject({ code: 'BAD_CONFIG' });
    await expect(spec.create({ model: HUB_FIXTURE, maxPixels: 'lots' }, context)).rejects.toMatchObject({
      code: 'BAD_CONFIG',
      message: 'backbone dino: option maxPixels must be a positive whole number of pixels, got "lots"',
    });
  });

  it('looks a name up in the (empty) model cache and says it is missing', async () => {
    await expect(dinoSpec().create({}, context)).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });
});
