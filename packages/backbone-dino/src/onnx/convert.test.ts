import { writeSafetensors } from '@acseg/safetensors';
import * as ort from 'onnxruntime-node';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadReference, maxAbsDiff } from '../testing/reference.js';
import { lcgUniform, makeVitWeights } from '../testing/tiny-vit.js';
import { convertCheckpoint } from './convert.js';

const ref = loadReference();
const dir = mkdtempSync(join(tmpdir(), 'dino-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeTiny(name: string, edit?: (w: ReturnType<typeof makeVitWeights>) => void): Promise<string> {
  const w = makeVitWeights();
  edit?.(w);
  const file = join(dir, name);
  await writeSafetensors(file, w);
  return file;
}

describe('convertCheckpoint (safetensors → ONNX) against the PyTorch reference', () => {
  it.each([48, 64])('matches tokens, attention and keys at input %i (64: bicubic positions)', async (size) => {
    const weights = await writeTiny('tiny.safetensors');
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ hidden_size: 48, num_hidden_layers: 2, num_attention_heads: 3, hidden_act: 'gelu', layer_norm_eps: 1e-12 }));
    const { out, info } = await convertCheckpoint({ weights, config, out: join(dir, `m${size}.onnx`), inputSize: size });
    expect(info).toEqual({ family: 'dino', dim: 48, depth: 2, heads: 3, patchSize: 16, registers: 0, inputSize: size, inputHeight: size, inputWidth: size });
    const s = await ort.InferenceSession.create(out);
    const c = ref.cases[String(size)];
    const x = lcgUniform(c.input_seed, 2 * 3 * size * size, 2);
    const o = await s.run({ pixel_values: new ort.Tensor('float32', x, [2, 3, size, size]) });
    expect(o.attentions.dims).toEqual(c.attention_shape);
    expect(maxAbsDiff(o.last_hidden_state.data as Float32Array, c.last_hidden_state)).toBeLessThan(1e-4);
    expect(maxAbsDiff(o.attentions.data as Float32Array, c.attention)).toBeLessThan(1e-4);
    expect(maxAbsDiff(o.keys.data as Float32Array, c.keys)).toBeLessThan(1e-4);
    // The attention is far from uniform, so the comparison means something.
    expect(Math.max(...(o.attentions.data as Float32Array))).toBeGreaterThan(0.5);
    await s.release();
  });

  it('accepts a "vit." prefix and defaults to head dim 64 without config', async () => {
    const weights = await writeTiny('prefixed.safetensors', (w) => {
      for (const k of Object.keys(w)) {
        w[`vit.${k}`] = w[k];
        delete w[k];
      }
    });
    const { info } = await convertCheckpoint({ weights, out: join(dir, 'p.onnx'), inputSize: 32 });
    expect(info.heads).toBe(1); // 48 / 64 rounds to 1
  });

  it('names a missing tensor and the file', async () => {
    const weights = await writeTiny('missing.safetensors', (w) => {
      delete w['encoder.layer.1.attention.attention.key.bias'];
    });
    await expect(convertCheckpoint({ weights, out: join(dir, 'x.onnx') })).rejects.toMatchObject({
      code: 'BAD_CHECKPOINT',
      message: expect.stringMatching(/missing\.safetensors: missing tensor "encoder\.layer\.1\.attention\.attention\.key\.bias"/),
    });
  });

  it('names a misshapen tensor with both shapes', async () => {
    const weights = await writeTiny('shape.safetensors', (w) => {
      w['encoder.layer.0.intermediate.dense.bias'] = { shape: [191], data: new Float32Array(191) };
    });
    await expect(convertCheckpoint({ weights, out: join(dir, 'x.onnx') })).rejects.toMatchObject({
      code: 'BAD_CHECKPOINT',
      message: expect.stringMatching(/"encoder\.layer\.0\.intermediate\.dense\.bias" has shape \[191\], expected \[192\]/),
    });
  });

  it('refuses a file that is not safetensors, and an input size that is not a multiple of the patch', async () => {
    const junk = join(dir, 'junk.safetensors');
    writeFileSync(junk, 'hello');
    await expect(convertCheckpoint({ weights: junk, out: join(dir, 'x.onnx') })).rejects.toMatchObject({ code: 'BAD_CHECKPOINT', file: junk });
    const weights = await writeTiny('ok.safetensors');
    await expect(convertCheckpoint({ weights, out: join(dir, 'x.onnx'), inputSize: 40 })).rejects.toMatchObject({ code: 'BAD_CONFIG' });
  });
});
