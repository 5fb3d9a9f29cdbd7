import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@acseg/core/testing';
import { CacheModelHub, catalogFromPlugins } from '@acseg/model-hub';
import { ClipClassifier } from './classifier.js';
import { resolveModelFiles } from './model-files.js';
import plugin from './plugin.js';
import { writeTinyClip } from './testing/tiny-model.js';

afterAll(removeTempDirs);

describe('the CLIP model named through the run’s model hub', () => {
  it('the manifest declares clip-vit-base-patch16 for the hub to pull', () => {
    const hub = new CacheModelHub({ cacheDir: tempDir('acseg-clip-hub-'), models: catalogFromPlugins([plugin]) });
    expect(hub.find('clip-vit-base-patch16')).toMatchObject({
      repo: 'openai/clip-vit-base-patch16',
      layout: 'files',
      files: ['model.safetensors', 'config.json', 'tokenizer.json', 'tokenizer_config.json'],
    });
  });

  it('finds a pulled revision other than main through the hub; without the hub only main is looked at', async () => {
    const cache = tempDir('acseg-clip-hub-');
    const dir = join(cache, 'models', 'clip-vit-base-patch16', 'v2');
    await writeTinyClip(dir);
    // As a pull leaves it: every declared file.
    await writeFile(join(dir, 'tokenizer_config.json'), '{}');
    const hub = new CacheModelHub({ cacheDir: cache, models: catalogFromPlugins([plugin]) });
    expect((await resolveModelFiles('clip-vit-base-patch16', cache, hub)).dir).toBe(dir);
    await expect(
      new ClipClassifier({ model: 'clip-vit-base-patch16', textCache: false }, cache, hub).check({ classNames: ['background', 'cat'] }),
    ).resolves.toBeUndefined();
    await expect(resolveModelFiles('clip-vit-base-patch16', cache)).rejects.toThrow(
      `CLIP model "clip-vit-base-patch16": model.safetensors, tokenizer.json not found in ${join(cache, 'models', 'clip-vit-base-patch16', 'main')}`,
    );
  });
});
