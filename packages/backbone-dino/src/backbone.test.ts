import { silentLogger, type RgbImage } from '@acseg/core';
import { writeSafetensors } from '@acseg/safetensors';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DinoBackbone } from './backbone.js';
import { convertCheckpoint } from './onnx/convert.js';
import { onnx } from '@acseg/onnx-graph';
import { clsAttention, HUB_FIXTURE, loadReference, maxAbsDiff } from './testing/reference.js';
import { lcgBytes, makeVitWeights } from './testing/tiny-vit.js';

const ref = loadReference();
const pm = ref.preprocess_model;
const d = 48;
const refImage = (id = 'ref'): RgbImage => ({ width: 45, height: 70, data: lcgBytes(ref.preprocess.seed, 45 * 70 * 3), id });
const dir = mkdtempSync(join(tmpdir(), 'dino-backbone-'));
let converted = '';
const backbones: DinoBackbone[] = [];
async function load(model: string, extra: Partial<Parameters<typeof DinoBackbone.load>[0]> = {}) {
  const b = await DinoBackbone.load({ model, ...extra });
  backbones.push(b);
  return b;
}

beforeAll(async () => {
  const weights = join(dir, 'tiny.safetensors');
  await writeSafetensors(weights, makeVitWeights());
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ num_attention_heads: 3 }));
  converted = (await convertCheckpoint({ weights, config, out: join(dir, 'tiny.onnx'), inputSize: 48, modelName: 'tiny-vit' })).out;
});
afterAll(async () => {
  for (const b of backbones) await b.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function collect(b: DinoBackbone, images: Parameters<DinoBackbone['extract']>[0]) {
  const out = [];
  for await (const r of b.extract(images)) out.push(r);
  return out;
}

describe('DinoBackbone.extract against the PyTorch reference (image → preprocess → ViT)', () => {
  it.each([
    ['Hub-layout export (attention surgery)', 'hub'],
    ['converted safetensors', 'converted'],
  ])('%s', async (_label, which) => {
    const lines: string[] = [];
    const b = await load(which === 'hub' ? HUB_FIXTURE : converted, { log: { ...silentLogger, info: (m) => lines.push(m) } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^backbone-dino: onnxruntime cpu/);
    expect(b.info).toMatchObject({
      model: which === 'hub' ? 'tiny-hub' : 'tiny-vit',
      patchSize: 16,
      inputSize: 48,
      dim: 48,
      heads: 3,
      hasAttention: true,
      runtime: 'onnxruntime cpu',
    });
    // A dynamic batch: any number per run.
    expect(b.fixedBatch).toBeUndefined();
    const [r] = await collect(b, [refImage()]);
    if (!r.ok) throw r.error;
    const f = r.features;
    expect(f.grid).toEqual({ h: 3, w: 3 });
    expect(f.imageSize).toEqual({ width: 45, height: 70 });
    expect(maxAbsDiff(f.cls!, pm.last_hidden_state.slice(0, d))).toBeLessThan(1e-4);
    expect(maxAbsDiff(f.tokens, pm.last_hidden_state.slice(d))).toBeLessThan(1e-4);
    expect(f.attention!.heads).toBe(3);
    expect(maxAbsDiff(f.attention!.data, clsAttention(pm.attention, pm.attention_shape, 0))).toBeLessThan(1e-4);
  });

  it("features: 'keys' gives the last block's keys without CLS", async () => {
    const b = await load(converted, { features: 'keys' });
    const [r] = await collect(b, [refImage()]);
    if (!r.ok) throw r.error;
    expect(maxAbsDiff(r.features.tokens, pm.keys.slice(d))).toBeLessThan(1e-4);
    expect(maxAbsDiff(r.features.cls!, pm.last_hidden_state.slice(0, d))).toBeLessThan(1e-4);
    await expect(DinoBackbone.load({ model: HUB_FIXTURE, features: 'keys' })).rejects.toMatchObject({ code: 'BAD_CONFIG' });
  });

  it('yields in input order across batches, reports a bad image and goes on', async () => {
    const b = await load(converted, { batchSize: 2 });
    const other: RgbImage = { width: 50, height: 40, data: lcgBytes(3, 50 * 40 * 3), id: 'other' };
    const tiny: RgbImage = { width: 8, height: 8, data: new Uint8Array(8 * 8 * 3), id: 'tiny' };
    const rs = await collect(b, [refImage('a'), other, tiny, refImage('b'), join(dir, 'missing.jpg')]);
    expect(rs.map((r) => (r.ok ? r.features.id : `!${r.id}`))).toEqual(['a', 'other', '!tiny', 'b', '!missing']);
    const [a, o, t, bb, m] = rs;
    if (!a.ok || !bb.ok || !o.ok || t.ok || m.ok) throw new Error('unexpected outcome');
    expect(maxAbsDiff(a.features.tokens, bb.features.tokens)).toBeLessThan(1e-5);
    expect(maxAbsDiff(a.features.tokens, pm.last_hidden_state.slice(d))).toBeLessThan(1e-4);
    expect(o.features.imageSize).toEqual({ width: 50, height: 40 });
    expect(t.error.code).toBe('BAD_IMAGE');
    expect(t.error.message).toMatch(/<image tiny>: the image is 8×8, smaller than one 16×16 patch/);
    expect(m.error.message).toContain('missing.jpg');
  });

  it('refuses an input size the model cannot take, and a bad batch size', async () => {
    await expect(DinoBackbone.load({ model: HUB_FIXTURE, inputSize: 64 })).rejects.toMatchObject({
      code: 'BAD_CONFIG',
      message: expect.stringMatching(/takes 48×48 inputs, not 64×64/),
    });
    await expect(DinoBackbone.load({ model: converted, inputSize: 40 })).rejects.toMatchObject({ code: 'BAD_CONFIG' });
    await expect(DinoBackbone.load({ model: converted, batchSize: 0 })).rejects.toMatchObject({ code: 'BAD_CONFIG' });
    await expect(DinoBackbone.load({ model: join(dir, 'nope.onnx') })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });

  it('a Hub export with symbolic height/width loads at its size and fails clearly at another', async () => {
    const file = join(HUB_FIXTURE, 'onnx', 'model.onnx');
    const m = onnx.ModelProto.decode(readFileSync(file));
    const dims = m.graph!.input![0].type!.tensorType!.shape!.dim!;
    dims[2] = { dimParam: 'height' };
    dims[3] = { dimParam: 'width' };
    const dyn = join(dir, 'dyn', 'onnx', 'model.onnx');
    mkdirSync(dirname(dyn), { recursive: true });
    writeFileSync(dyn, onnx.ModelProto.encode(m).finish());
    const b = await load(join(dir, 'dyn'), { inputSize: 48 });
    expect(b.info).toMatchObject({ model: 'dyn', inputSize: 48, heads: 3 });
    await expect(DinoBackbone.load({ model: dyn, inputSize: 64 })).rejects.toMatchObject({
      code: 'BAD_MODEL',
      file: dyn,
      message: expect.stringMatching(/probing with a 64×64 input/),
      hint: expect.stringMatching(/convert the safetensors weights/),
    });
  });

  it('a file that is not ONNX is a BAD_MODEL naming it', async () => {
    const junk = join(dir, 'junk', 'model.onnx');
    mkdirSync(dirname(junk), { recursive: true });
    writeFileSync(junk, 'not a model');
    await expect(DinoBackbone.load({ model: join(dir, 'junk') })).rejects.toMatchObject({
      code: 'BAD_MODEL',
      file: junk,
      message: expect.stringContaining(junk),
    });
  });
});
