import { afterAll, describe, expect, it } from 'vitest';
import type { FeatureMap } from '../features.js';
import { assignmentToRegions } from '../regions.js';
import { axisGenerator, describeBackbone, describeClassifier, describeGenerator, fakeBackbone, removeTempDirs, sizeClassifier, tempDir } from './index.js';
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
