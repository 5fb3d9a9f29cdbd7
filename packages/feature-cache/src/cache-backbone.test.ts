import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeatureMap, FeatureResult, RegionMap } from '@acseg/core';
import { cacheBackbone, pooledRegionEmbeddings } from './cache-backbone.js';
import { FeatureCache } from './read.js';
import { FakeBackbone, fakeFeatures } from './testing/fake-backbone.js';
import { writeFeatureCache } from './write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-cache-backbone-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(it: AsyncIterable<FeatureResult>): Promise<FeatureResult[]> {
  const out: FeatureResult[] = [];
  for await (const r of it) out.push(r);
  return out;
}

describe('cacheBackbone', () => {
  it('serves features by recorded path, else by id, from the first cache that holds them; others fail naming the caches', async () => {
    const fake = new FakeBackbone();
    await writeFeatureCache({ backbone: fake, images: ['/data/val/a.jpg', '/data/val/b.jpg'], out: join(dir, 'val') });
    await writeFeatureCache({ backbone: fake, images: ['/data/train/c.jpg'], out: join(dir, 'train') });
    const caches = [await FeatureCache.open(join(dir, 'val')), await FeatureCache.open(join(dir, 'train'))];
    const bb = cacheBackbone(caches);
    try {
      expect(bb.info).toMatchObject({ model: 'fake-vit', dim: 6, heads: 2, hasAttention: true });
      // a by path; b by id from another folder; c from the second cache; d nowhere.
      const got = await collect(bb.extract(['/data/val/a.jpg', '/elsewhere/b.png', 'c', '/x/d.jpg']));
      const ok = got.filter((r): r is Extract<FeatureResult, { ok: true }> => r.ok).map((r) => r.features);
      expect(ok.map((f) => f.id)).toEqual(['a', 'b', 'c']);
      expect(Array.from(ok[1].tokens)).toEqual(Array.from(fakeFeatures('/data/val/b.jpg', 'b', fake.opts).tokens));
      expect(Array.from(ok[2].tokens)).toEqual(Array.from(fakeFeatures('/data/train/c.jpg', 'c', fake.opts).tokens));
      const miss = got[3];
      expect(miss.ok).toBe(false);
      if (!miss.ok) expect(miss.error.message).toMatch(/\/x\/d\.jpg: not in the feature cache .*val or .*train \(looked for its path and the id "d"\)/);
      expect(bb.pooled).toBe(true);
    } finally {
      await bb.dispose!();
    }
  });

  it('refuses caches of different models together', async () => {
    await writeFeatureCache({ backbone: new FakeBackbone(), images: ['a.jpg'], out: join(dir, 'one') });
    await writeFeatureCache({ backbone: new FakeBackbone({ model: 'other', dim: 4 }), images: ['b.jpg'], out: join(dir, 'two') });
    const caches = [await FeatureCache.open(join(dir, 'one')), await FeatureCache.open(join(dir, 'two'))];
    expect(() => cacheBackbone(caches)).toThrow(/cannot be used with/);
  });
});

describe('pooledRegionEmbeddings', () => {
  it("is the mean over each region's pixels of the token of the patch under the pixel (brute force)", () => {
    const grid = { h: 2, w: 3 };
    const d = 4;
    const tokens = Float32Array.from({ length: 6 * d }, (_, i) => Math.sin(i * 1.7) * 3);
    const f: FeatureMap = { id: 'x', grid, dim: d, tokens, imageSize: { width: 7, height: 5 } };
    const width = 7;
    const height = 5;
    const labels = Uint16Array.from({ length: width * height }, (_, p) => ((p % width) * 3 + Math.floor(p / width) * 5) % 3);
    const regions: RegionMap = { width, height, labels, count: 3, concepts: [0, 1, 2], pixelCounts: [0, 0, 0] };
    const want = (r: number): number[] => {
      const sum = new Array<number>(d).fill(0);
      let count = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (labels[y * width + x] !== r) continue;
          // The patch whose cell holds the pixel's centre.
          const py = Math.floor(((y + 0.5) / height) * grid.h);
          const px = Math.floor(((x + 0.5) / width) * grid.w);
          for (let j = 0; j < d; j++) sum[j] += tokens[(py * grid.w + px) * d + j];
          count++;
        }
      }
      return sum.map((s) => s / count);
    };
    const got = pooledRegionEmbeddings(f, regions, [2, 0]);
    expect(got).toHaveLength(2);
    [2, 0].forEach((r, k) => want(r).forEach((v, j) => expect(got[k][j]).toBeCloseTo(v, 5)));
    expect(pooledRegionEmbeddings(f, regions)).toHaveLength(3);
  });
});
