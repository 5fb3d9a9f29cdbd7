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
