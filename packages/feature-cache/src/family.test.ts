import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AcsegError } from '@acseg/core';
import { FeatureCache, writeFeatureCache, type CacheIndex } from './index.js';
import { FakeBackbone } from './testing/fake-backbone.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tmp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fcache-family-'));
  made.push(dir);
  return dir;
}
const names = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `/data/img${from + i}.jpg`);

/** A fake ViT of a family, registers and input shape; same name and no hash, so only these fields differ. */
function vit(family: string | undefined, registers: number | undefined, h = 48, w = 48): FakeBackbone {
  const b = new FakeBackbone({ model: 'vit' });
  Object.assign(b.info, { inputSize: Math.min(h, w), inputHeight: h, inputWidth: w });
  if (family !== undefined) Object.assign(b.info, { family });
  if (registers !== undefined) Object.assign(b.info, { registers });
  return b;
}

async function refusal(p: Promise<unknown>): Promise<AcsegError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err as AcsegError,
  );
  if (!e) throw new Error('expected a refusal');
  return e;
}

describe('a cache records the model family, registers and input shape, and refuses to mix them', () => {
  it('records them in index.json and gives them back when the cache is opened as a backbone', async () => {
    const out = await tmp();
    await writeFeatureCache({ backbone: vit('dinov2', 4, 42, 56), images: names(2), out });
    const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as CacheIndex;
    expect(index.info).toMatchObject({ family: 'dinov2', registers: 4, inputSize: 42, inputHeight: 42, inputWidth: 56 });
    const cache = await FeatureCache.open(out);
    expect(cache.info).toMatchObject({ family: 'dinov2', registers: 4, inputHeight: 42, inputWidth: 56 });
  });

  it.each([
    ['another family', vit('dinov3', 4, 42, 56), 'family dinov2 ≠ dinov3'],
    ['other registers', vit('dinov2', 0, 42, 56), 'registers 4 ≠ 0'],
    ['another input shape', vit('dinov2', 4, 56, 42), 'input 42×56 ≠ 56×42'],
  ])('refuses %s, saying which field differs', async (_label, other, diff) => {
    const out = await tmp();
    await writeFeatureCache({ backbone: vit('dinov2', 4, 42, 56), images: names(2), out });
    const e = await refusal(writeFeatureCache({ backbone: other, images: names(1, 2), out }));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toContain(diff);
    expect(e.message).toContain('dinov2, input 42×56, patch 16, 4 registers');
    expect((await FeatureCache.open(out)).length).toBe(2);
  });

  it('a cache written before these fields were recorded (square, no family) still resumes with a square DINO run', async () => {
    const out = await tmp();
    await writeFeatureCache({ backbone: new FakeBackbone({ model: 'vit' }), images: names(2), out });
    const r = await writeFeatureCache({ backbone: vit('dino', 0, 48, 48), images: names(3), out });
    expect(r).toMatchObject({ written: 1, resumed: 2, total: 3 });
    const e = await refusal(writeFeatureCache({ backbone: vit('dino', 0, 48, 64), images: names(4), out }));
    expect(e.message).toContain('input 48×48 ≠ 48×64');
  });
});
