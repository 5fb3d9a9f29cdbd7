import type { RegionMap, RgbImage } from '@acseg/core';
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DinoBackbone } from './backbone.js';
import { describeVitModel } from './onnx/describe.js';
import { HUB_FIXTURE, loadReference, maxAbsDiff } from './testing/reference.js';
import { lcgBytes } from './testing/tiny-vit.js';

const ref = loadReference();
let b: DinoBackbone;
let session: ort.InferenceSession;
beforeAll(async () => {
  b = await DinoBackbone.load({ model: HUB_FIXTURE, batchSize: 2 });
  const file = join(HUB_FIXTURE, 'onnx', 'model.onnx');
  session = await ort.InferenceSession.create(describeVitModel(new Uint8Array(readFileSync(file)), file).bytes);
});
afterAll(async () => {
  await b.dispose();
  await session.release();
});

function regionMap(width: number, height: number, label: (x: number, y: number) => number, count: number): RegionMap {
  const labels = new Uint16Array(width * height);
  const pixelCounts = new Array<number>(count).fill(0);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const l = label(x, y);
      labels[y * width + x] = l;
      pixelCounts[l]++;
    }
  return { width, height, labels, count, concepts: Array.from({ length: count }, (_, i) => i), pixelCounts };
}

describe('regionEmbeddings (paper §4.1: crop to the box, resize, normalize, zero outside, final CLS)', () => {
  it('a region covering the whole image gives the image CLS of the PyTorch reference', async () => {
    const img: RgbImage = { width: 45, height: 70, data: lcgBytes(ref.preprocess.seed, 45 * 70 * 3) };
    const [e] = await b.regionEmbeddings(
      img,
      regionMap(45, 70, () => 0, 1),
    );
    expect(maxAbsDiff(e, ref.preprocess_model.last_hidden_state.slice(0, 48))).toBeLessThan(1e-4);
  });

  it('zeroes the pixels of other regions inside the box (checked on a hand-built input tensor)', async () => {
    // 96×48 image; region 1 = the right 48×48 square minus a 10×12 notch; its box is exactly 48×48 = the input size,
    // so the resize is the identity and the expected input is: normalized pixel inside region 1, 0 elsewhere.
    const W = 96,
      H = 48,
      S = 48;
    const img: RgbImage = { width: W, height: H, data: lcgBytes(11, W * H * 3) };
    const inRegion1 = (x: number, y: number) => x >= 48 && !(x < 58 && y < 12);
    const map = regionMap(W, H, (x, y) => (inRegion1(x, y) ? 1 : 0), 2);
    const mean = [0.485, 0.456, 0.406],
      std = [0.229, 0.224, 0.225];
    const x = new Float32Array(3 * S * S);
    for (let c = 0; c < 3; c++)
      for (let yy = 0; yy < S; yy++)
        for (let xx = 0; xx < S; xx++) {
          if (inRegion1(48 + xx, yy)) x[c * S * S + yy * S + xx] = (img.data[(yy * W + 48 + xx) * 3 + c] / 255 - mean[c]) / std[c];
        }
    const o = await session.run({ pixel_values: new ort.Tensor('float32', x, [1, 3, S, S]) });
    const want = (o.last_hidden_state.data as Float32Array).slice(0, 48);
    const [e1] = await b.regionEmbeddings(img, map, [1]);
    expect(maxAbsDiff(e1, want)).toBeLessThan(1e-5);
    // Changing pixels of region 0 inside region 1's box (the notch) leaves the embedding unchanged.
    const img2 = { ...img, data: img.data.slice() };
    for (let yy = 0; yy < 12; yy++) for (let xx = 48; xx < 58; xx++) img2.data.set([255, 0, 255], (yy * W + xx) * 3);
    const [e1b] = await b.regionEmbeddings(img2, map, [1]);
    expect(maxAbsDiff(e1, e1b)).toBe(0);
    // Order follows `which`, across batches (batch size 2).
    const all = await b.regionEmbeddings(img, map);
    const picked = await b.regionEmbeddings(img, map, [1, 0, 1]);
    expect(picked).toHaveLength(3);
    expect(maxAbsDiff(picked[0], all[1])).toBeLessThan(1e-6);
    expect(maxAbsDiff(picked[1], all[0])).toBeLessThan(1e-6);
    expect(maxAbsDiff(picked[2], e1)).toBeLessThan(1e-6);
    expect(maxAbsDiff(all[0], all[1])).toBeGreaterThan(1e-2);
  });

  it('refuses a region map of another size and a region that does not exist', async () => {
    const img: RgbImage = { width: 40, height: 30, data: new Uint8Array(40 * 30 * 3), id: 'pic' };
    await expect(
      b.regionEmbeddings(
        img,
        regionMap(20, 15, () => 0, 1),
      ),
    ).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/<image pic>: the region map is 20×15 but the image is 40×30/) });
    await expect(
      b.regionEmbeddings(
        img,
        regionMap(40, 30, () => 0, 1),
        [3],
      ),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});
