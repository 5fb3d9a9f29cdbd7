import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AcsegError,
  ComponentRegistry,
  type ComponentOptions,
  validatePlugin,
  type Backbone,
  type ClassifierContext,
  type FeatureMap,
  type RegionMap,
  type RgbImage,
  registerPlugin,
} from '@acseg/core';
import plugin, { ClipClassifier } from './index.js';
import { normalizeRgb } from './preprocess.js';
import { loadReference, maxAbsDiff } from './testing/fixture.js';
import { writeTinyClip } from './testing/tiny-model.js';

let cache: string;
let modelDir: string;
const clfs: ClipClassifier[] = [];
const make = (o: ComponentOptions = {}): ClipClassifier => {
  const c = new ClipClassifier({ model: modelDir, ...o }, cache);
  clfs.push(c);
  return c;
};
const ctx = (classNames?: string[]): ClassifierContext => ({ backbone: {} as Backbone, classNames });

beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), 'acseg-clip-cls-'));
  modelDir = join(cache, 'models', 'tiny-clip', 'main');
  await writeTinyClip(modelDir);
});
afterAll(async () => {
  for (const c of clfs) await c.dispose();
  await rm(cache, { recursive: true, force: true });
});

/** 64×64 image (the tiny model's input size, so no resize) and 3 vertical stripes of regions. */
function scene(): { image: RgbImage; regions: RegionMap } {
  const data = new Uint8Array(64 * 64 * 3);
  for (let p = 0; p < 64 * 64; p++) {
    const x = p % 64;
    data[p * 3] = x < 16 ? 20 : x < 40 ? 200 : 90;
    data[p * 3 + 1] = (p * 7) % 251;
    data[p * 3 + 2] = x < 40 ? 60 : 230;
  }
  const labels = new Uint16Array(64 * 64).map((_, p) => (p % 64 < 16 ? 0 : p % 64 < 40 ? 1 : 2));
  const pixelCounts = [16 * 64, 24 * 64, 24 * 64];
  return { image: { width: 64, height: 64, data, id: 'stripes' }, regions: { width: 64, height: 64, labels, count: 3, concepts: [0, 1, 2], pixelCounts } };
}

/** DINO-like features on a 4×4 grid whose CLS attention is low in the left column (region 0). */
function dinoFeatures(): FeatureMap {
  const n = 16;
  const att = new Float32Array(2 * n).map((_, i) => ((i % n) % 4 === 0 ? 0.01 : 0.1 + 0.01 * (i % 3)));
  return {
    id: 'stripes',
    grid: { h: 4, w: 4 },
    dim: 2,
    tokens: new Float32Array(2 * n).fill(1),
    attention: { heads: 2, data: att },
    imageSize: { width: 64, height: 64 },
  };
}

describe('ClipClassifier', () => {
  it('class text embeddings match the PyTorch reference (mean over templates) to 1e-4', async () => {
    const ref = loadReference();
    const clf = make({ templates: ref.templates.join('|'), background: false });
    const emb = await clf.textEmbeddings(ref.classes, [0, 1, 2]);
    expect(maxAbsDiff(emb, ref.class_embeds.data)).toBeLessThan(1e-4);
    // Cached per class list: the same array comes back.
    expect(await clf.textEmbeddings(ref.classes, [0, 1, 2])).toBe(emb);
    // And on disk under <cacheDir>/clip-text: a new classifier reads the same values back.
    expect((await readdir(join(cache, 'clip-text'))).filter((f) => f.endsWith('.f32')).length).toBeGreaterThan(0);
    const again = await make({ templates: ref.templates.join('|'), background: false }).textEmbeddings(ref.classes, [0, 1, 2]);
    expect(again).not.toBe(emb);
    expect(Array.from(again)).toEqual(Array.from(emb));
  });

  it('names each region by the class of highest cosine with its mean dense feature (brute force)', async () => {
    const clf = make({ background: false, templates: 'scene' });
    const { image, regions } = scene();
    const names = ['cat', 'dog', 'car', 'tree'];
    const [labels] = await clf.classify([{ image, regions, features: dinoFeatures() }], ctx(names));
    // Independent: dense features of the normalized image, per-pixel mean per region, cosine to each class.
    const model = await clf.loadModel();
    const px = new Float32Array(3 * 64 * 64);
    normalizeRgb(image.data, 64, px);
    const dense = await model.dense(px, 1);
    const text = await clf.textEmbeddings(names, [0, 1, 2, 3]);
    const d = 32;
    for (let r = 0; r < 3; r++) {
      const mean = new Float64Array(d);
      for (let p = 0; p < 64 * 64; p++) {
        if (regions.labels[p] !== r) continue;
        const patch = Math.floor(Math.floor(p / 64) / 16) * 4 + Math.floor((p % 64) / 16);
        for (let j = 0; j < d; j++) mean[j] += dense[patch * d + j];
      }
      const norm = Math.hypot(...mean);
      const cos = names.map((_, c) => mean.reduce((s, v, j) => s + (v / norm) * text[c * d + j], 0));
      const best = cos.indexOf(Math.max(...cos));
      expect(labels[r]).toMatchObject({ region: r, classId: best, className: names[best] });
      expect(labels[r].score).toBeCloseTo(cos[best], 5);
    }
  });

  it('background regions (attention rule of @acseg/core) get class 0; CLIP names the rest among 1..C−1', async () => {
    const clf = make({ templates: 'simple' });
    expect(clf.needs).toEqual({ classNames: true, attention: true });
    const { image, regions } = scene();
    const [labels] = await clf.classify([{ image, regions, features: dinoFeatures() }], ctx(['background', 'cat', 'dog']));
    expect(labels[0]).toEqual({ region: 0, classId: 0, className: 'background' });
    for (const l of labels.slice(1)) expect([1, 2]).toContain(l.classId);
  });

  it('resolves a model name under <cacheDir>/models/<name>/main and takes --classes from its options', async () => {
    const clf = new ClipClassifier({ model: 'tiny-clip', background: 'false', templates: 'simple', classes: 'cat, dog' }, cache);
    clfs.push(clf);
    const { image, regions } = scene();
    const [labels] = await clf.classify([{ image, regions, features: dinoFeatures() }], ctx());
    expect(labels.map((l) => l.className).every((n) => n === 'cat' || n === 'dog')).toBe(true);
    // With background on, option classes are numbered after an implicit background class 0.
    const withBg = new ClipClassifier({ model: 'tiny-clip', templates: 'simple', classes: 'cat,dog' }, cache);
    clfs.push(withBg);
    expect(withBg.classList({})).toEqual({ names: ['background', 'cat', 'dog'], candidates: [1, 2] });
  });

  it('runs images in batches of batchSize with the same features as one by one', async () => {
    const { image } = scene();
    const other: RgbImage = { ...image, data: image.data.map((v) => 255 - v), id: 'inverted' };
    const batched = await make({ batchSize: 2 }).denseFeatures([image, other, image]);
    const single = await make({ batchSize: 1 }).denseFeatures([other]);
    expect(batched).toHaveLength(3);
    expect(batched[0].grid).toEqual({ h: 4, w: 4 });
    expect(maxAbsDiff(batched[1].data, single[0].data)).toBeLessThan(1e-5);
    expect(maxAbsDiff(batched[2].data, batched[0].data)).toBeLessThan(1e-5);
    expect(maxAbsDiff(batched[1].data, batched[0].data)).toBeGreaterThan(1e-2);
  });

  it('refuses an empty class list, a list without background first, and background alone', async () => {
    const { image, regions } = scene();
    const input = [{ image, regions, features: dinoFeatures() }];
    const code = async (p: Promise<unknown>): Promise<string> =>
      p.then(
        () => 'ok',
        (e: AcsegError) => `${e.code}: ${e.message}`,
      );
    expect(await code(make({ background: false }).classify(input, ctx([])))).toMatch(/^BAD_CONFIG: .*class list is empty/);
    expect(await code(make().classify(input, ctx(['cat', 'dog'])))).toMatch(/^BAD_CONFIG: .*class 0 must be the background class/);
    expect(await code(make().classify(input, ctx(['background'])))).toMatch(/^BAD_CONFIG: .*only the background class/);
  });

  it('names the missing files and the folder to place them in (MODEL_NOT_FOUND)', async () => {
    const clf = new ClipClassifier({ model: 'clip-vit-base-patch16' }, cache);
    const err = await clf.loadModel().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AcsegError);
    const e = err as AcsegError;
    expect(e.code).toBe('MODEL_NOT_FOUND');
    const folder = join(cache, 'models', 'clip-vit-base-patch16', 'main');
    expect(e.message).toContain(folder);
    expect(e.message).toContain('model.safetensors, tokenizer.json');
    expect(e.hint).toContain('openai/clip-vit-base-patch16');
    // Hub names: "/" is written "--" in the cache, as `acseg models pull` does.
    const e3 = (await new ClipClassifier({ model: 'openai/clip-vit-base-patch16' }, cache).loadModel().catch((x: unknown) => x)) as AcsegError;
    expect(e3.message).toContain(join(cache, 'models', 'openai--clip-vit-base-patch16', 'main'));
    // A folder with weights but no tokenizer names only the tokenizer.
    const partial = join(cache, 'partial');
    await mkdir(partial, { recursive: true });
    await writeFile(join(partial, 'model.safetensors'), '');
    const e2 = (await new ClipClassifier({ model: partial }, cache).loadModel().catch((x: unknown) => x)) as AcsegError;
    expect(e2.message).toMatch(/: tokenizer\.json not found in /);
  });

  it('reports unreadable weights as BAD_MODEL naming the file', async () => {
    const dir = join(cache, 'broken');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'model.safetensors'), 'not a safetensors file');
    await writeFile(join(dir, 'tokenizer.json'), '{}');
    const e = (await new ClipClassifier({ model: dir }, cache).loadModel().catch((x: unknown) => x)) as AcsegError;
    expect(e.code).toBe('BAD_MODEL');
    expect(e.file).toBe(join(dir, 'model.safetensors'));
  });

  it('rejects bad options', () => {
    expect(() => new ClipClassifier({ background: 'maybe' })).toThrow(/background: expected true or false/);
    expect(() => new ClipClassifier({ batchSize: 0 })).toThrow(/batchSize: expected an integer ≥ 1/);
    expect(() => new ClipClassifier({ templates: 'a photo' })).toThrow(/has no "\{\}"/);
    expect(() => new ClipClassifier({ backgroundRule: 'sky' })).toThrow(/backgroundRule/);
    expect(new ClipClassifier({ backgroundRule: 'border' }).needs.attention).toBe(false);
  });
});

describe('plugin manifest', () => {
  it('registers the clip classifier with its defaults', async () => {
    const p = validatePlugin(plugin, '@acseg/classifier-clip');
    const reg = new ComponentRegistry();
    await registerPlugin(reg, p, 'test');
    expect(reg.ids('classifier')).toEqual(['clip']);
    const spec = reg.get('classifier', 'clip').spec;
    const clf = (await spec.create({}, { cacheDir: cache, verbose: false } as never)) as ClipClassifier;
    expect(clf.name).toBe('clip');
    expect(clf.options).toMatchObject({ model: 'clip-vit-base-patch16', background: true, batchSize: 8 });
    expect(clf.options.templates).toHaveLength(85);
  });
});
