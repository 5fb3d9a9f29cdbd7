import type { RgbImage } from '@acseg/core';
import { writeSafetensors } from '@acseg/safetensors';
import * as ort from 'onnxruntime-node';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DinoBackbone } from './backbone.js';
import { hubHints } from './load-model.js';
import { convertCheckpoint } from './onnx/convert.js';
import { describeVitModel } from './onnx/describe.js';
import { maxAbsDiff } from './testing/reference.js';
import { lcgBytes } from './testing/tiny-vit.js';
import { loadV2Reference, v2Dir, v2Input, v2RealImage, v2Weights, V2_FAMILIES, type V2Case } from './testing/v2v3.js';

const dir = mkdtempSync(join(tmpdir(), 'dino-v2v3-'));
const backbones: DinoBackbone[] = [];
afterAll(async () => {
  for (const b of backbones) await b.dispose();
  rmSync(dir, { recursive: true, force: true });
});
async function load(opts: Parameters<typeof DinoBackbone.load>[0]): Promise<DinoBackbone> {
  const b = await DinoBackbone.load(opts);
  backbones.push(b);
  return b;
}

/** Reference CLS, patch tokens (registers dropped) and CLS→patch attention of image b of a case. */
function expected(c: V2Case, registers: number, b = 0) {
  const [, H, N] = c.attention_shape;
  const d = c.last_hidden_state.length / c.attention_shape[0] / N;
  const hid = c.last_hidden_state.slice(b * N * d, (b + 1) * N * d);
  const skip = 1 + registers;
  const att: number[] = [];
  for (let h = 0; h < H; h++) for (let j = skip; j < N; j++) att.push(c.attention[(b * H + h) * N * N + j]);
  return { cls: hid.slice(0, d), tokens: hid.slice(skip * d), attention: att, n: N - skip };
}

describe.each(V2_FAMILIES)('%s through DinoBackbone against the PyTorch reference', (family) => {
  const ref = loadV2Reference(family);
  const R = ref.config.num_register_tokens ?? 0;
  const hub = join(v2Dir(family), 'hub');
  const image: RgbImage = {
    width: ref.image.width,
    height: ref.image.height,
    data: lcgBytes(ref.image.seed, ref.image.width * ref.image.height * 3),
    id: 'lcg',
  };
  const [, , H, W] = ref.image.shape;
  const p = ref.config.patch_size;

  async function check(b: DinoBackbone) {
    const results = [];
    for await (const r of b.extract([image])) results.push(r);
    const [r] = results;
    if (!r.ok) throw r.error;
    const e = expected(ref.image, R);
    expect(r.features.grid).toEqual({ h: H / p, w: W / p });
    expect(r.features.tokens.length).toBe(e.n * ref.config.hidden_size);
    expect(maxAbsDiff(r.features.cls!, e.cls)).toBeLessThan(1e-4);
    expect(maxAbsDiff(r.features.tokens, e.tokens)).toBeLessThan(1e-4);
    expect(r.features.attention!.heads).toBe(ref.config.num_attention_heads);
    expect(maxAbsDiff(r.features.attention!.data, e.attention)).toBeLessThan(1e-4);
  }

  it(`converted safetensors at ${H}×${W}: registers dropped, CLS→patch attention over patches only`, async () => {
    const weights = join(dir, `${family}.safetensors`);
    await writeSafetensors(weights, v2Weights(ref));
    const config = join(dir, `${family}.json`);
    writeFileSync(config, JSON.stringify(ref.config));
    const { out } = await convertCheckpoint({
      weights,
      config,
      out: join(dir, `${family}.onnx`),
      inputSize: { height: H, width: W },
      modelName: `tiny-${family}`,
    });
    const b = await load({ model: out });
    expect(b.info).toMatchObject({
      model: `tiny-${family}`,
      family: family === 'dinov2-reg' ? 'dinov2' : family,
      registers: R,
      patchSize: p,
      inputHeight: H,
      inputWidth: W,
      inputSize: Math.min(H, W),
    });
    await check(b);
    // A region covering the whole image is the image resized to H×W, unmasked: its embedding is the reference CLS.
    const whole = {
      width: image.width,
      height: image.height,
      labels: new Uint16Array(image.width * image.height),
      count: 1,
      concepts: [0],
      pixelCounts: [image.width * image.height],
    };
    const [emb] = await b.regionEmbeddings(image, whole);
    expect(maxAbsDiff(emb, expected(ref.image, R).cls)).toBeLessThan(1e-4);
  });

  it('Hub-layout export: the last attention is exposed by surgery and matches at the trained size', async () => {
    const file = join(hub, 'onnx', 'model.onnx');
    const m = describeVitModel(new Uint8Array(readFileSync(file)), file, await hubHints(file));
    expect(m).toMatchObject({ patched: true, layout: 'hub-onnx', registers: R, patchSize: p });
    const c = ref.cases[0];
    const s = await ort.InferenceSession.create(m.bytes);
    try {
      const o = await s.run({ pixel_values: new ort.Tensor('float32', v2Input(c), c.shape) });
      expect(o[m.attentionOutput].dims).toEqual(c.attention_shape);
      expect(maxAbsDiff(o.last_hidden_state.data as Float32Array, c.last_hidden_state)).toBeLessThan(1e-4);
      expect(maxAbsDiff(o[m.attentionOutput].data as Float32Array, c.attention)).toBeLessThan(1e-4);
    } finally {
      await s.release();
    }
  });

  it.each([0, 1])('a real picture (PNG file → decode → resize → ViT) at size %i, converted and Hub-layout', async (k) => {
    const c = ref.real.cases[k];
    const [, , h, w] = c.shape;
    const weights = join(dir, `${family}-real.safetensors`);
    await writeSafetensors(weights, v2Weights(ref));
    const config = join(dir, `${family}-real.json`);
    writeFileSync(config, JSON.stringify(ref.config));
    const { out } = await convertCheckpoint({
      weights,
      config,
      out: join(dir, `${family}-real-${k}.onnx`),
      inputSize: { height: h, width: w },
      modelName: 'real',
    });
    const models = [out];
    if (family !== 'dinov2-reg' || k === 0) models.push(hub); // the registers export runs at its trained size only
    for (const model of models) {
      const b = await load({ model, inputSize: { height: h, width: w } });
      const results = [];
      for await (const r of b.extract([v2RealImage(ref)])) results.push(r);
      const [r] = results;
      if (!r.ok) throw r.error;
      const e = expected(c, R);
      expect(r.features.imageSize).toEqual({ width: 160, height: 120 });
      expect(maxAbsDiff(r.features.cls!, e.cls)).toBeLessThan(1e-4);
      expect(maxAbsDiff(r.features.tokens, e.tokens)).toBeLessThan(1e-4);
      expect(maxAbsDiff(r.features.attention!.data, e.attention)).toBeLessThan(1e-4);
    }
  });

  if (family !== 'dinov2-reg') {
    it(`Hub-layout export with dynamic height/width runs at ${H}×${W} (positions interpolated / RoPE in the graph)`, async () => {
      const b = await load({ model: hub, inputSize: { height: H, width: W } });
      expect(b.info).toMatchObject({ model: 'hub', registers: R, inputHeight: H, inputWidth: W });
      await check(b);
    });
  }
});

describe('bad input for the new families: one line naming the model', () => {
  it('a Hub export whose config.json does not declare its registers', async () => {
    const copy = join(dir, 'dinov3-undeclared');
    cpSync(join(v2Dir('dinov3'), 'hub'), copy, { recursive: true });
    const cfg = JSON.parse(readFileSync(join(copy, 'config.json'), 'utf8')) as Record<string, unknown>;
    delete cfg.num_register_tokens;
    writeFileSync(join(copy, 'config.json'), JSON.stringify(cfg));
    const err = await DinoBackbone.load({ model: copy, inputSize: 48 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      code: 'BAD_MODEL',
      message:
        'dinov3-undeclared: output "last_hidden_state" has 14 tokens for a 3×3 patch grid, which matches no known layout (1 CLS + 0 register tokens + 9 patches = 10)',
      hint: expect.stringMatching(/seems to carry 4 register tokens: declare them as "num_register_tokens": 4/),
    });
  });

  it('an input size that is not a multiple of the patch', async () => {
    const hub = join(v2Dir('dinov2'), 'hub');
    await expect(DinoBackbone.load({ model: hub, name: 'dinov2-vits14', inputSize: 224 + 2 })).rejects.toMatchObject({
      code: 'BAD_CONFIG',
      message: 'dinov2-vits14: input size 226×226 is not a multiple of its patch size 14',
      hint: expect.stringMatching(/224×224 \(--image-size 224\)/),
    });
    await expect(DinoBackbone.load({ model: hub, name: 'dinov2-vits14', inputSize: { height: 42, width: 50 } })).rejects.toMatchObject({
      code: 'BAD_CONFIG',
      message: 'dinov2-vits14: input size 42×50 is not a multiple of its patch size 14',
      hint: expect.stringMatching(/--image-size 42x56/),
    });
  });
});
