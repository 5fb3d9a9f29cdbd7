import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildVitOnnx, inferVitConfig } from '@acseg/backbone-dino';
import { loadV2Reference, v2Weights } from '../../../packages/backbone-dino/src/testing/v2v3.js';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const samples = join(repoRoot, 'samples');

/** The tiny DINOv2-with-registers reference model (4 registers, patch 14), converted for H×W. */
function tinyDinov2Reg(height: number, width: number): Uint8Array {
  const ref = loadV2Reference('dinov2-reg');
  const w = v2Weights(ref);
  return buildVitOnnx(w, inferVitConfig(w, 'tiny', ref.config), { inputSize: { height, width }, modelName: 'tiny-dinov2-reg' });
}

describe('--image-size with a DINOv2-with-registers model', () => {
  it('features at an exact H×W: the cache records family, registers and input shape, with the registers dropped from the tokens', () => {
    const dir = tempDir();
    const model = join(dir, 'tiny.onnx');
    writeFileSync(model, tinyDinov2Reg(56, 70));
    const out = join(dir, 'features');
    const r = acseg(['features', '--images', samples, '--out', out, '--backbone', 'dino', '--model', model, '--image-size', '56x70', '--cache-dir', tempDir()]);
    expect(r.status, r.stderr).toBe(0);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    expect(index.info).toMatchObject({
      model: 'tiny-dinov2-reg',
      family: 'dinov2',
      registers: 4,
      inputSize: 56,
      inputHeight: 56,
      inputWidth: 70,
      patchSize: 14,
    });
    expect(index.grid).toEqual({ h: 4, w: 5 });
  });

  it('an image size that is not a multiple of the patch: one line naming the model, exit 2', () => {
    const dir = tempDir();
    const model = join(dir, 'tiny.onnx');
    writeFileSync(model, tinyDinov2Reg(56, 70));
    const r = acseg([
      'features',
      '--images',
      samples,
      '--out',
      join(dir, 'f'),
      '--backbone',
      'dino',
      '--model',
      model,
      '--image-size',
      '60',
      '--cache-dir',
      tempDir(),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('tiny-dinov2-reg: input size 60×60 is not a multiple of its patch size 14');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
