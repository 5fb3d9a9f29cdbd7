import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '@acseg/safetensors';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';
import { lcgUniform, TINY, weightSpecs } from '../../../packages/backbone-dino/src/testing/tiny-vit.js';
import { writeTinyVoc } from '../../../packages/eval/src/testing/tiny-datasets.js';

afterAll(removeTempDirs);

describe('acseg eval', () => {
  it('runs the k-means protocol on a tiny VOC and writes the table, metrics.json and report.html', async () => {
    const voc = join(tempDir(), 'voc');
    const { val } = await writeTinyVoc(voc, { val: Array.from({ length: 6 }, () => [64, 48]) });
    const out = join(tempDir(), 'eval');
    const r = acseg([
      'eval',
      '--dataset',
      'voc',
      '--root',
      voc,
      '--backbone',
      'handcrafted',
      '--generator',
      'kmeans',
      '--classifier',
      'kmeans',
      '--seeds',
      '3',
      '--out',
      out,
      '--quiet',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\|\s*\d+\.\d ± \d+\.\d\s*\|/);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.seeds).toHaveLength(3);
    expect(metrics.images).toBe(val.length);
    expect(metrics.classNames).toHaveLength(21);
    // mean over seeds is the mean of the per-seed values written beside it
    const mean = metrics.seeds.reduce((a: number, s: { mIoU: number }) => a + s.mIoU, 0) / 3;
    expect(metrics.mIoU.mean).toBeCloseTo(mean, 6);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<table/);
    // The prepared items waited on disk (.acseg-eval-items-0) and were removed.
    expect(readdirSync(out).filter((f) => f.startsWith('.acseg'))).toEqual([]);
  });

  it('trains the ACG on the train split when no checkpoint is given; a rerun into the same --out uses those weights (same numbers); a train image changed: trained again', async () => {
    const voc = join(tempDir(), 'voc');
    await writeTinyVoc(voc, { train: Array.from({ length: 6 }, () => [64, 48]), val: Array.from({ length: 4 }, () => [64, 48]) });
    const out = join(tempDir(), 'eval-acg');
    const args = [
      'eval',
      '--dataset',
      'voc',
      '--root',
      voc,
      '--backbone',
      'handcrafted',
      '--generator',
      'acg',
      '--iterations',
      '5',
      '--classifier',
      'kmeans',
      '--seeds',
      '1',
      '--out',
      out,
    ];
    const first = acseg(args);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/training acg on 6 images/);
    const numbers = (): unknown => {
      const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { mIoU: unknown; confusion: unknown };
      return { mIoU: m.mIoU, confusion: m.confusion };
    };
    const before = numbers();
    const again = acseg(args);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/training acg/);
    expect(again.stderr).toMatch(/acg: using the weights an earlier eval of this train split trained/);
    expect(numbers()).toEqual(before);
    // A train split that changed (an image rewritten): trained again.
    const firstTrain = readFileSync(join(voc, 'ImageSets', 'Segmentation', 'train.txt'), 'utf8').split('\n')[0];
    const later = new Date(Date.now() + 5000);
    utimesSync(join(voc, 'JPEGImages', `${firstTrain}.jpg`), later, later);
    const changed = acseg(args);
    expect(changed.status, changed.stderr).toBe(0);
    expect(changed.stderr).toMatch(/training acg on 6 images/);
  });

  it('refuses a root in the wrong layout with a clear message', () => {
    const r = acseg(['eval', '--dataset', 'voc', '--root', tempDir(), '--backbone', 'handcrafted', '--generator', 'kmeans', '--out', join(tempDir(), 'never')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/acseg: error: .*(ImageSets|JPEGImages|SegmentationClass)/);
  });
});

describe('acseg models', () => {
  it('list on an empty cache, pull offline names the files and the folder, convert writes a model the backbone runs', async () => {
    const cache = tempDir();
    const list = acseg(['models', 'list', '--cache-dir', cache]);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/no models cached/);
    const pull = acseg(['models', 'pull', 'dino-vits16', '--offline', '--cache-dir', cache]);
    expect(pull.status).toBe(1);
    expect(pull.stderr).toMatch(/onnx\/model\.onnx/);
    expect(pull.stderr).toContain(join(cache, 'models', 'dino-vits16', 'main'));

    const dir = tempDir();
    const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
    weightSpecs(TINY).forEach(([name, shape, scale, offset], t) => {
      tensors[name] = {
        shape,
        data: lcgUniform(
          1000 + t,
          shape.reduce((a, b) => a * b, 1),
          scale,
          offset,
        ),
      };
    });
    await writeSafetensors(join(dir, 'model.safetensors'), tensors);
    // Heads cannot be read off the weights' shapes: config.json gives them (else d/64).
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ num_attention_heads: 3, patch_size: 16, image_size: 48 }));
    const onnx = join(dir, 'tiny.onnx');
    const conv = acseg([
      'models',
      'convert',
      '--weights',
      join(dir, 'model.safetensors'),
      '--model-config',
      join(dir, 'config.json'),
      '--out',
      onnx,
      '--input-size',
      '48',
    ]);
    expect(conv.status, conv.stderr).toBe(0);
    expect(conv.stdout).toMatch(/ViT d=48, depth 2, 3 heads, patch 16, input 48 \(dino, 0 registers\)/);
    expect(existsSync(onnx)).toBe(true);
    const seg = acseg([
      'segment',
      '--images',
      join(repoRoot, 'samples'),
      '--out',
      join(dir, 'out'),
      '--backbone',
      'dino',
      '--model',
      onnx,
      '--generator',
      'kmeans',
      '--quiet',
    ]);
    expect(seg.status, seg.stderr).toBe(0);

    const bad = acseg(['models', 'convert', '--weights', join(repoRoot, 'README.md'), '--out', join(dir, 'x.onnx')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/README\.md/);
  });
});
