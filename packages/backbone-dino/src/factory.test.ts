import { silentLogger, silentProgress, type ComponentContext } from '@acseg/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDinoBackbone, parseInputSize } from './factory.js';
import { v2Dir } from './testing/v2v3.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'dino-factory-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
const context: ComponentContext = { log: silentLogger, progress: silentProgress, cacheDir, verbose: false };

describe("option inputSize (the CLI's --image-size)", () => {
  it('reads a side or height×width, as numbers or strings', () => {
    expect(parseInputSize(undefined)).toBeUndefined();
    expect(parseInputSize('')).toBeUndefined();
    expect(parseInputSize(448)).toBe(448);
    expect(parseInputSize('448')).toBe(448);
    expect(parseInputSize('448x672')).toEqual({ height: 448, width: 672 });
    expect(parseInputSize('448×672')).toEqual({ height: 448, width: 672 });
    for (const bad of ['big', '0', '448x', 'x448', '-14', 1.5, '448x672x3']) {
      expect(() => parseInputSize(bad)).toThrow(/option inputSize must be a side \(e\.g\. 224\) or height×width/);
    }
  });

  it('gives a DINOv2 Hub export (dynamic height/width) an H×W input through the factory', async () => {
    const b = await createDinoBackbone({ model: join(v2Dir('dinov2'), 'hub'), inputSize: '56x70', provider: 'cpu' }, context);
    try {
      expect(b.info).toMatchObject({ family: 'dinov2', registers: 0, patchSize: 14, inputHeight: 56, inputWidth: 70, inputSize: 56 });
    } finally {
      await b.dispose();
    }
  });
});

describe('model names through the run’s model hub (service `models`)', () => {
  it('loads a hub-onnx model another plugin declares, by its name; without the hub that name is unknown', async () => {
    const { CacheModelHub } = await import('@acseg/model-hub');
    const { cpSync } = await import('node:fs');
    const cache = mkdtempSync(join(tmpdir(), 'dino-factory-hub-'));
    try {
      cpSync(join(__dirname, 'testing/fixtures/tiny-hub'), join(cache, 'models', 'acme-vit', 'main'), { recursive: true });
      const models = new CacheModelHub({
        cacheDir: cache,
        models: { 'acme-vit': { description: 'a ViT export', repo: 'acme/vit', files: ['onnx/model.onnx', 'config.json'], layout: 'hub-onnx' } },
      });
      const b = await createDinoBackbone({ model: 'acme-vit', provider: 'cpu' }, { ...context, cacheDir: cache, models });
      try {
        expect(b.info).toMatchObject({ model: 'acme-vit', modelFile: join(cache, 'models', 'acme-vit', 'main', 'onnx', 'model.onnx') });
      } finally {
        await b.dispose();
      }
      await expect(createDinoBackbone({ model: 'acme-vit', provider: 'cpu' }, { ...context, cacheDir: cache })).rejects.toThrow(
        /^acme-vit: no such file or folder, and not a known model name \(known: dino-vits16, /,
      );
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
