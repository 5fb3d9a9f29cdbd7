import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeatureMap, FeatureResult } from '@acseg/core';
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
});
