import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipModel } from './clip-model.js';
import { resolveModelFiles } from './model-files.js';
import { loadReference, maxAbsDiff } from './testing/fixture.js';
import { TINY_CLIP, fnv1a, mulberry32, writeTinyClip } from './testing/tiny-model.js';

const ref = loadReference();
let dir: string;
let model: ClipModel;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-clip-'));
  await writeTinyClip(dir);
  model = await ClipModel.load(await resolveModelFiles(dir, tmpdir()));
});
afterAll(async () => {
  await model?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('ClipModel against the PyTorch reference (tools/clip-reference)', () => {
  it('derives the architecture from the weights and config.json', () => {
    expect(model.config.vision).toMatchObject({ width: 48, heads: 3, layers: 2, patch: 16, imageSize: 64, mlp: 192, act: 'quick_gelu' });
    expect(model.config.text).toMatchObject({ width: 32, heads: 2, layers: 2, context: 77, vocab: 49408 });
    expect(model.config.projection).toBe(32);
    expect(model.grid).toBe(4);
  });

  it('computes MaskCLIP dense features (value path of the last block) to 1e-4', async () => {
    const s = TINY_CLIP.vision.imageSize;
    const next = mulberry32(fnv1a('pixels'));
    const pixels = new Float32Array(2 * 3 * s * s).map(() => (next() * 2 - 1) * 2);
    const dense = await model.dense(pixels, 2);
    expect(ref.dense.shape).toEqual([2, 16, 32]);
    expect(maxAbsDiff(dense, ref.dense.data)).toBeLessThan(1e-4);
    // Rows are unit vectors.
    for (let r = 0; r < 32; r++) {
      let sq = 0;
      for (let j = 0; j < 32; j++) sq += dense[r * 32 + j] ** 2;
      expect(Math.sqrt(sq)).toBeCloseTo(1, 5);
    }
  });

  it('tokenizes like OpenAI simple_tokenizer (incl. truncation to 77)', () => {
    ref.prompts.forEach((p, i) => {
      expect(model.tokenizer.encode(p, 77)).toEqual(ref.ids[i]);
    });
  });

  it('computes text features to 1e-4 (reference padded to 77; batches here cut to their longest sequence, and padded)', async () => {
    const t = await model.encodeText(ref.prompts, 3);
    expect(maxAbsDiff(t, ref.text_embeds.data)).toBeLessThan(1e-4);
    const padded = await model.encodeText(ref.prompts, 8, true);
    expect(maxAbsDiff(padded, ref.text_embeds.data)).toBeLessThan(1e-4);
  });
});
