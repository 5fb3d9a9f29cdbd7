import { writeSafetensors } from '@acseg/safetensors';
import * as ort from 'onnxruntime-node';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../testing/reference.js';
import { loadV2Reference, v2Input, v2Weights, V2_FAMILIES } from '../testing/v2v3.js';
import { convertCheckpoint } from './convert.js';

const dir = mkdtempSync(join(tmpdir(), 'dino-convert-v2v3-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(V2_FAMILIES)('convertCheckpoint of a %s checkpoint (Hub names) against the PyTorch reference', (family) => {
  const ref = loadV2Reference(family);
  it.each([0, 1])('case %i: tokens, attention and keys match (case 1: non-square, positions interpolated / RoPE recomputed)', async (k) => {
    const c = ref.cases[k];
    const [, , H, W] = c.shape;
    const weights = join(dir, `${family}.safetensors`);
    await writeSafetensors(weights, v2Weights(ref));
    const config = join(dir, `${family}.json`);
    writeFileSync(config, JSON.stringify(ref.config));
    const { out, info } = await convertCheckpoint({ weights, config, out: join(dir, `${family}-${k}.onnx`), inputSize: { height: H, width: W } });
    const R = ref.config.num_register_tokens ?? 0;
    expect(info).toMatchObject({
      family: family === 'dinov2-reg' ? 'dinov2' : family,
      registers: R,
      patchSize: ref.config.patch_size,
      inputHeight: H,
      inputWidth: W,
    });
    const s = await ort.InferenceSession.create(out);
    try {
      const o = await s.run({ pixel_values: new ort.Tensor('float32', v2Input(c), c.shape) });
      expect(o.attentions.dims).toEqual(c.attention_shape);
      expect(maxAbsDiff(o.last_hidden_state.data as Float32Array, c.last_hidden_state)).toBeLessThan(1e-4);
      expect(maxAbsDiff(o.attentions.data as Float32Array, c.attention)).toBeLessThan(1e-4);
      expect(maxAbsDiff(o.keys.data as Float32Array, c.keys)).toBeLessThan(1e-4);
      expect(Math.max(...(o.attentions.data as Float32Array))).toBeGreaterThan(0.5);
    } finally {
      await s.release();
    }
  });
});
