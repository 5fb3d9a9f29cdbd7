import { afterAll, describe, expect, it } from 'vitest';
import type { FeatureMap } from '../features.js';
import { assignmentToRegions } from '../regions.js';
import type { ImageDecoder } from '../image-decoder.js';
import {
  axisGenerator,
  countingDecoder,
  describeBackbone,
  describeClassifier,
  describeGenerator,
  fakeBackbone,
  removeTempDirs,
  sizeClassifier,
  tempDir,
} from './index.js';
import { existsSync } from 'node:fs';

afterAll(removeTempDirs);

function axisFeatures(id: string, seed: number): FeatureMap {
  const tokens = new Float32Array(4 * 2);
  for (let i = 0; i < tokens.length; i++) tokens[i] = 0.1 + ((seed * 7 + i * 3) % 5);
  return { id, source: `${id}.png`, grid: { h: 2, w: 2 }, dim: 2, tokens, imageSize: { width: 4, height: 2 } };
}

describeBackbone('fake', { create: async () => fakeBackbone(), images: () => ['a.png', 'b.png'], badImage: () => 'bad.png' });

describeGenerator('axes', { create: async () => axisGenerator, features: () => [axisFeatures('a', 1), axisFeatures('b', 2)] });

describeClassifier('size', {
  create: async () => sizeClassifier(0.4),
  context: () => ({ backbone: fakeBackbone(), classNames: ['small', 'large'] }),
  inputs: async () => {
    const features = [axisFeatures('a', 1), axisFeatures('b', 2)];
    const [sa, sb] = await axisGenerator.generate(features);
    return [sa, sb].map((s, i) => ({
      image: `${s.id}.png`,
      features: features[i],
      regions: assignmentToRegions({ assignment: s.assignment, k: s.k, grid: features[i].grid, width: 4, height: 2 }),
    }));
  },
});

describe('tempDir', () => {
  it('makes a fresh folder each call, which removeTempDirs deletes', () => {
    const a = tempDir('acseg-kit-');
    const b = tempDir('acseg-kit-');
    expect(a).not.toBe(b);
    expect(existsSync(a) && existsSync(b)).toBe(true);
    removeTempDirs();
    expect(existsSync(a) || existsSync(b)).toBe(false);
  });
});

describe('countingDecoder', () => {
  it('records each decoded source in call order and forwards to the decoder it wraps', async () => {
    const image = { width: 1, height: 1, data: new Uint8Array([1, 2, 3]), id: 'px', source: 'px.png' };
    const inner: ImageDecoder = { maxPixels: 7, decode: async () => image, size: async () => ({ width: 1, height: 1 }) };
    const { decoder, seen } = countingDecoder(inner);
    expect(decoder.maxPixels).toBe(7);
    expect(await decoder.decode('a.jpg')).toBe(image);
    await decoder.decode(image, { index: 3 });
    expect(await decoder.size('b.jpg')).toEqual({ width: 1, height: 1 });
    expect(seen).toEqual(['a.jpg', 'px.png']);
  });
});
