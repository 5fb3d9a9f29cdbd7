import type { FeatureResult, ImageInput, RegionMap } from '@acseg/core';
import { writeSafetensors } from '@acseg/safetensors';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DinoBackbone } from './backbone.js';
import { convertCheckpoint } from './onnx/convert.js';
import { lcgBytes, makeVitWeights } from './testing/tiny-vit.js';

const dir = mkdtempSync(join(tmpdir(), 'dino-decode-once-'));
let backbone: DinoBackbone;

beforeAll(async () => {
  const weights = join(dir, 'tiny.safetensors');
  await writeSafetensors(weights, makeVitWeights());
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ num_attention_heads: 3 }));
  const model = (await convertCheckpoint({ weights, config, out: join(dir, 'tiny.onnx'), inputSize: 48, modelName: 'tiny-vit' })).out;
  backbone = await DinoBackbone.load({ model, batchSize: 2 });
});
afterAll(async () => {
  await backbone?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function extracted(inputs: ImageInput[]): Promise<FeatureResult[]> {
  const out: FeatureResult[] = [];
  for await (const r of backbone.extract(inputs)) out.push(r);
  return out;
}

/** Left third region 0, the rest region 1. */
function thirds(width: number, height: number): RegionMap {
  const labels = new Uint16Array(width * height);
  for (let p = 0; p < labels.length; p++) labels[p] = p % width < width / 3 ? 0 : 1;
  const left = labels.filter((l) => l === 0).length;
  return { width, height, labels, count: 2, concepts: [0, 1], pixelCounts: [left, labels.length - left] };
}

describe('DinoBackbone.decode (decode once)', () => {
  it('features and region embeddings of a file and of its decode are bit-identical, huge images (shrunk first) included', async () => {
    // inputSize 48: images over 192 px on both sides are first shrunk to 96×96, the rest read at full size.
    const files: Array<[string, number, number]> = [
      ['small.png', 70, 45],
      ['huge.png', 300, 250],
      ['huge.jpg', 260, 400],
    ];
    for (const [name, w, h] of files) {
      const pixels = lcgBytes(w + h, w * h * 3);
      const img = sharp(Buffer.from(pixels), { raw: { width: w, height: h, channels: 3 } });
      await (name.endsWith('.png') ? img.png() : img.jpeg()).toFile(join(dir, name));
    }
    const paths = files.map(([name]) => join(dir, name));
    const decoded = await Promise.all(paths.map((p, i) => backbone.decode(p, i)));
    expect(decoded.map((d) => [d.width, d.height, d.id, d.source])).toEqual(files.map(([name, w, h], i) => [w, h, name.replace(/\.\w+$/, ''), paths[i]]));
    const [fromFiles, fromDecodes] = [await extracted(paths), await extracted(decoded)];
    for (let i = 0; i < paths.length; i++) {
      const [a, b] = [fromFiles[i], fromDecodes[i]];
      if (!a.ok || !b.ok) throw new Error(`${paths[i]} failed`);
      expect(Array.from(b.features.tokens)).toEqual(Array.from(a.features.tokens));
      expect(Array.from(b.features.attention!.data)).toEqual(Array.from(a.features.attention!.data));
      expect([b.features.id, b.features.source, b.features.imageSize]).toEqual([a.features.id, a.features.source, a.features.imageSize]);
      const regions = thirds(files[i][1], files[i][2]);
      const [ea, eb] = [await backbone.regionEmbeddings(paths[i], regions), await backbone.regionEmbeddings(decoded[i], regions)];
      expect(eb.map((e) => Array.from(e))).toEqual(ea.map((e) => Array.from(e)));
    }
    // A lossless file decodes to the very pixels it was written from (full size, not the shrunk copy extract reads).
    expect(Buffer.from(decoded[1].data).equals(Buffer.from(lcgBytes(550, 300 * 250 * 3)))).toBe(true);
  });

  it('refuses what extract refuses, with the same message naming the file', async () => {
    const empty = join(dir, 'empty.jpg');
    writeFileSync(empty, '');
    const tiny = join(dir, 'tiny.png');
    await sharp(Buffer.alloc(10 * 30 * 3, 90), { raw: { width: 10, height: 30, channels: 3 } })
      .png()
      .toFile(tiny);
    for (const file of [empty, tiny, join(dir, 'missing.png')]) {
      const [r] = await extracted([file]);
      const e = await backbone.decode(file, 0).then(
        () => undefined,
        (err: unknown) => err as Error & { file?: string },
      );
      expect(r.ok).toBe(false);
      expect(e?.message).toBe(!r.ok && r.error.message);
      expect(e?.file).toBe(file);
    }
  });
});
