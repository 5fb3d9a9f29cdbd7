import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DecodeUse, FeatureMap, FeatureResult, ImageInput, RgbImage } from '@acseg/core';
import { cachedBackbone } from './cached-backbone.js';
import { FeatureCache, writeFeatureCache } from './index.js';
import { FakeBackbone } from './testing/fake-backbone.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

async function collect(it: AsyncIterable<FeatureResult>): Promise<FeatureResult[]> {
  const out: FeatureResult[] = [];
  for await (const r of it) out.push(r);
  return out;
}

describe('cachedBackbone', () => {
  it('serves cached images from the cache (the same features as the backbone) and runs the backbone only for the rest, in order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fcache-cb-'));
    made.push(dir);
    const cachedImages = ['/data/a.png', '/data/b.png', '/data/c.png'];
    await writeFeatureCache({ backbone: new FakeBackbone(), images: cachedImages, out: dir, shardSize: 2 });
    const cache = await FeatureCache.open(dir);
    const counting = new FakeBackbone();
    const cb = cachedBackbone(cache, counting);
    const asked = ['/data/b.png', '/data/new1.png', '/data/new2.png', '/data/a.png', '/data/bad.png', '/data/c.png'];
    const got = await collect(cb.extract(asked));
    const direct = await collect(new FakeBackbone().extract(asked));
    expect(got.map((r) => r.ok)).toEqual([true, true, true, true, false, true]);
    // Same features, bit for bit, whichever way they came.
    got.forEach((r, i) => {
      const d = direct[i];
      if (!r.ok || !d.ok) return;
      const pick = (f: FeatureMap) => ({
        ...f,
        tokens: [...f.tokens],
        cls: f.cls && [...f.cls],
        attention: f.attention && { heads: f.attention.heads, data: [...f.attention.data] },
      });
      expect(pick(r.features)).toEqual(pick(d.features));
    });
    // The backbone saw only the uncached images, a run of them at a time.
    expect(counting.calls).toEqual([2, 1]);
    expect(cb.served).toBe(3);
    expect(cb.info).toBe(counting.info);
    await cache.close();
  });

  it('a decode for features keeps that use only for images the cache lacks (no input prepared for a pass it will not make)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fcache-cb-'));
    made.push(dir);
    await writeFeatureCache({ backbone: new FakeBackbone(), images: ['/data/a.png'], out: dir, shardSize: 2 });
    const cache = await FeatureCache.open(dir);
    const uses: Array<[string, DecodeUse | undefined]> = [];
    const inner = Object.assign(new FakeBackbone(), {
      async decode(image: ImageInput, _index: number, use?: DecodeUse): Promise<RgbImage> {
        uses.push([String(image), use]);
        return { width: 1, height: 1, data: new Uint8Array(3), source: String(image) };
      },
    });
    const cb = cachedBackbone(cache, inner);
    await cb.decode!('/data/a.png', 0, { features: true });
    await cb.decode!('/data/new.png', 1, { features: true });
    await cb.decode!('/data/new.png', 1);
    expect(uses).toEqual([
      ['/data/a.png', undefined],
      ['/data/new.png', { features: true }],
      ['/data/new.png', undefined],
    ]);
    await cache.close();
  });
});
