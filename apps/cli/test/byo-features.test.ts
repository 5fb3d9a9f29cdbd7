import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { decode, encode } from 'fast-png';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backbone, FeatureMap, FeatureResult, ImageInput } from '@acseg/core';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';
import { writeFeatureCache } from '../../../packages/feature-cache/src/write.js';
import { f32Npy } from '../../../packages/feature-cache/src/testing/npy-writer.js';
import { writeTinyVoc, type TinySplits } from '../../../packages/eval/src/testing/tiny-datasets.js';

afterAll(removeTempDirs);

const G = { h: 4, w: 5 };
const d = 8;
const P = 16;
const ids = ['a', 'b', 'c', 'd'];

/** Features with structure (two blobs per image), a function of (image, patch, channel) only. */
function tokens(k: number): Float32Array {
  const t = new Float32Array(G.h * G.w * d);
  for (let p = 0; p < G.h * G.w; p++) {
    const blob = (p % G.w) + k < 3 ? 1 : 0;
    for (let j = 0; j < d; j++) t[p * d + j] = Math.fround((blob ? 2 : -1) * (j % 3 === 0 ? 1 : 0.25) + Math.sin(k * 31 + p * 7 + j) * 0.1);
  }
  return t;
}

/** Each image's label PNG bytes and regions (the source aside) of a segment output folder. */
function outputsOf(out: string): Record<string, { png: string; regions: unknown }> {
  return Object.fromEntries(
    ids.map((id) => [
      id,
      {
        png: readFileSync(join(out, `${id}.png`)).toString('base64'),
        regions: (JSON.parse(readFileSync(join(out, `${id}.json`), 'utf8')) as { regions: unknown }).regions,
      },
    ]),
  );
}

function outputsOfPng(out: string, id: string): Uint8Array {
  return decode(readFileSync(join(out, `${id}.png`))).data as Uint8Array;
}

async function writeThroughWriter(out: string): Promise<void> {
  const maps: FeatureMap[] = ids.map((id, k) => ({
    id,
    source: `mem/${id}`,
    grid: { ...G },
    dim: d,
    tokens: tokens(k),
    imageSize: { width: G.w * P, height: G.h * P },
  }));
  const backbone: Backbone = {
    name: 'imported',
    info: { model: 'imported', patchSize: P, inputSize: Math.max(G.h, G.w) * P, dim: d, hasAttention: false },
    async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
      for (const im of images) yield { ok: true, features: maps.find((m) => m.source === im)! };
    },
  };
  await writeFeatureCache({ backbone, images: maps.map((m) => m.source!), out });
}

const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0);

describe('acseg features import → segment --features', () => {
  const dir = tempDir();
  const stacked = new Float32Array(ids.length * G.h * G.w * d);
  ids.forEach((_, k) => stacked.set(tokens(k), k * G.h * G.w * d));
  writeFileSync(join(dir, 'ids.txt'), `${ids.join('\n')}\n`);

  it('a .npy made here imports into a cache that segments exactly as the same features written by the cache writer', async () => {
    writeFileSync(join(dir, 'feats.npy'), f32Npy([ids.length, G.h, G.w, d], stacked));
    const imp = acseg([
      'features',
      'import',
      join(dir, 'feats.npy'),
      '--ids',
      join(dir, 'ids.txt'),
      '--patch-size',
      String(P),
      '--out',
      join(dir, 'imported'),
      '--quiet',
    ]);
    expect(imp.status, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/4 images \(4 imported now, 0 already there, 0 skipped\); grid 4×5, dim 8, patch 16/);
    await writeThroughWriter(join(dir, 'written'));
    for (const c of ['imported', 'written']) {
      const r = acseg(['segment', '--features', join(dir, c), '--generator', 'kmeans', '--k', '3', '--out', join(dir, `seg-${c}`), '--quiet']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/overlays are drawn on grey/);
    }
    const a = outputsOf(join(dir, 'seg-imported'));
    expect(Object.values(a).every((o) => (o.regions as unknown[]).length >= 2)).toBe(true);
    expect(a).toEqual(outputsOf(join(dir, 'seg-written')));
    // Rerun: the import is resumed, nothing is read again.
    const again = acseg([
      'features',
      'import',
      join(dir, 'feats.npy'),
      '--ids',
      join(dir, 'ids.txt'),
      '--patch-size',
      String(P),
      '--out',
      join(dir, 'imported'),
      '--quiet',
    ]);
    expect(again.stdout).toMatch(/0 imported now, 4 already there/);
  });

  it.skipIf(!python && !process.env.CI)('a .npy written by numpy (np.save) segments the same (needs python3 + numpy)', () => {
    if (!python) throw new Error('CI is set but no python3 can import numpy');
    writeFileSync(join(dir, 'raw.f32'), Buffer.from(stacked.buffer));
    const py = spawnSync(
      python,
      [
        '-c',
        `import numpy as np, sys; np.save(sys.argv[2], np.fromfile(sys.argv[1], dtype='<f4').reshape(${ids.length}, ${G.h}, ${G.w}, ${d}))`,
        join(dir, 'raw.f32'),
        join(dir, 'np.npy'),
      ],
      { encoding: 'utf8' },
    );
    expect(py.stderr).toBe('');
    const imp = acseg([
      'features',
      'import',
      join(dir, 'np.npy'),
      '--ids',
      join(dir, 'ids.txt'),
      '--patch-size',
      String(P),
      '--out',
      join(dir, 'from-numpy'),
      '--quiet',
    ]);
    expect(imp.status, imp.stderr).toBe(0);
    const r = acseg(['segment', '--features', join(dir, 'from-numpy'), '--generator', 'kmeans', '--k', '3', '--out', join(dir, 'seg-numpy'), '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(outputsOf(join(dir, 'seg-numpy'))).toEqual(outputsOf(join(dir, 'seg-written')));
  });

  it.skipIf(!python && !process.env.CI)(
    "the docs' export script (tools/byo-features/export_dino.py, save_chunk) writes what import reads (needs python3 + numpy)",
    () => {
      if (!python) throw new Error('CI is set but no python3 can import numpy');
      const chunks = join(dir, 'chunks');
      const script = `
import sys, os
import numpy as np
sys.path.insert(0, sys.argv[1])
from export_dino import save_chunk
t = np.fromfile(sys.argv[2], dtype='<f4').reshape(${ids.length}, ${G.h}, ${G.w}, ${d})
os.makedirs(sys.argv[3])
ids = ${JSON.stringify(ids)}
for c, s in enumerate(range(0, len(ids), 3)):
    n = len(ids[s:s + 3])
    save_chunk(os.path.join(sys.argv[3], 'features-%05d.npz' % c), ids[s:s + 3], t[s:s + 3], cls=t[s:s + 3, 0, 0], attention=np.abs(t[s:s + 3, :, :, :2]).transpose(0, 3, 1, 2), patch_size=${P})
`;
      const py = spawnSync(python, ['-c', script, join(repoRoot, 'tools/byo-features'), join(dir, 'raw.f32'), chunks], { encoding: 'utf8' });
      expect(py.stderr).toBe('');
      const imp = acseg(['features', 'import', chunks, '--out', join(dir, 'from-script'), '--quiet']);
      expect(imp.status, imp.stderr).toBe(0);
      expect(imp.stdout).toMatch(/4 images .*grid 4×5, dim 8, patch 16/);
      const index = JSON.parse(readFileSync(join(dir, 'from-script', 'index.json'), 'utf8')) as { heads: number; tensors: { cls: boolean } };
      expect(index).toMatchObject({ heads: 2, tensors: { cls: true } });
      const r = acseg(['segment', '--features', join(dir, 'from-script'), '--generator', 'kmeans', '--k', '3', '--out', join(dir, 'seg-script'), '--quiet']);
      expect(r.status, r.stderr).toBe(0);
      expect(outputsOf(join(dir, 'seg-script'))).toEqual(outputsOf(join(dir, 'seg-written')));
    },
  );

  it('segment --features --images: overlays on the images; an image the cache lacks is skipped, naming the cache', () => {
    const imgs = join(dir, 'images');
    mkdirSync(imgs);
    for (const name of ['a', 'b', 'e']) {
      const data = new Uint8Array(G.w * P * G.h * P * 3).fill(name === 'a' ? 40 : 200);
      writeFileSync(join(imgs, `${name}.png`), encode({ width: G.w * P, height: G.h * P, data, channels: 3, depth: 8 }));
    }
    const out = join(dir, 'seg-images');
    const r = acseg(['segment', '--features', join(dir, 'imported'), '--images', imgs, '--generator', 'kmeans', '--k', '3', '--out', out, '--quiet']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/segmented 2 of 3 images/);
    expect(r.stdout).toMatch(/e\.png: not in the feature cache .*imported \(looked for its path and the id "e"\)/);
    expect(r.stderr).not.toMatch(/overlays are drawn on grey/);
    // The overlay is drawn on the image: a's pixels are dark (40) where b's are light (200), under the same blend.
    const px = (id: string) => decode(readFileSync(join(out, `${id}.overlay.png`))).data as Uint8Array;
    const [a, b] = [px('a'), px('b')];
    const label = (id: string) => decode(readFileSync(join(out, `${id}.png`))).data as Uint8Array;
    expect(label('a')).toEqual(outputsOfPng(join(dir, 'seg-written'), 'a'));
    let darker = 0;
    for (let i = 0; i < a.length; i++) if (a[i] < b[i]) darker++;
    expect(darker).toBeGreaterThan(a.length / 2);
  });

  it("import --images: each id takes its image's size and path; an id without an image is skipped, named", () => {
    const imgs = join(dir, 'sized');
    mkdirSync(imgs);
    // a is 50×30; b is stored 30×50 with EXIF-less PNG (no rotation); c and d have no image.
    writeFileSync(join(imgs, 'a.png'), encode({ width: 50, height: 30, data: new Uint8Array(50 * 30 * 3), channels: 3, depth: 8 }));
    writeFileSync(join(imgs, 'b.png'), encode({ width: 30, height: 50, data: new Uint8Array(30 * 50 * 3), channels: 3, depth: 8 }));
    const out = join(dir, 'sized-cache');
    const r = acseg([
      'features',
      'import',
      join(dir, 'feats.npy'),
      '--ids',
      join(dir, 'ids.txt'),
      '--patch-size',
      String(P),
      '--images',
      imgs,
      '--out',
      out,
      '--quiet',
    ]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/2 images \(2 imported now, 0 already there, 2 skipped\)/);
    expect(r.stdout).toMatch(/no image file for id "c"/);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { images: Array<{ id: string; source: string; width: number; height: number }> };
    expect(index.images.map((im) => [im.id, im.width, im.height, im.source])).toEqual([
      ['a', 50, 30, join(imgs, 'a.png')],
      ['b', 30, 50, join(imgs, 'b.png')],
    ]);
  });

  it('refuses a bad layout before writing anything, with exit 2', () => {
    writeFileSync(join(dir, 'flat.npy'), f32Npy([2, 6, d], stacked.subarray(0, 2 * 6 * d)));
    const r = acseg(['features', 'import', join(dir, 'flat.npy'), '--patch-size', '16', '--out', join(dir, 'never'), '--quiet']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/flat\.npy: 6 patches per image is not a square grid/);
    expect(r.stderr).toMatch(/--grid HxW/);
    expect(existsSync(join(dir, 'never', 'index.json'))).toBe(false);
  });
});

describe('eval --features on a tiny VOC', () => {
  const voc = join(tempDir(), 'voc');
  let splits: TinySplits;
  const tinyDino = join(repoRoot, 'packages/backbone-dino/src/testing/fixtures/tiny-hub');
  const model = ['--backbone', 'dino', '--model', tinyDino];
  const caches = join(tempDir(), 'caches');
  beforeAll(async () => {
    const size = (n: number): Array<[number, number]> => Array.from({ length: n }, () => [64, 48]);
    splits = await writeTinyVoc(voc, { val: size(4), train: size(6) });
    for (const split of ['val', 'train']) {
      const r = acseg(['features', '--dataset', 'voc', '--root', voc, '--split', split, ...model, '--out', join(caches, split), '--quiet']);
      expect(r.status, r.stderr).toBe(0);
    }
  });
  const common = ['eval', '--dataset', 'voc', '--root', voc, '--generator', 'kmeans', '--classifier', 'knn', '--quiet'];
  const metrics = (out: string) =>
    JSON.parse(readFileSync(join(out, 'run-1', 'metrics.json'), 'utf8')) as { images: number; mIoU: { mean: number }; confusion: number[][] };

  it('k-NN from the val and train caches gives the numbers of eval from the images (region embeddings from the model)', () => {
    const fromImages = join(tempDir(), 'e1');
    const fromCaches = join(tempDir(), 'e2');
    const a = acseg([...common, ...model, '--out', fromImages]);
    expect(a.status, a.stderr).toBe(0);
    const b = acseg([...common, ...model, '--features', join(caches, 'val'), '--train-features', join(caches, 'train'), '--out', fromCaches]);
    expect(b.status, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/region embeddings: dino on the images/);
    expect(metrics(fromCaches).images).toBe(splits.val.length);
    expect(metrics(fromCaches).confusion).toEqual(metrics(fromImages).confusion);
  });

  it('without a model, region embeddings are pooled cached tokens (said); k-NN without --train-features is refused first', () => {
    const out = join(tempDir(), 'e3');
    const r = acseg([...common, '--features', join(caches, 'val'), '--train-features', join(caches, 'train'), '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/region embeddings: the cached patch tokens averaged over each region/);
    expect(metrics(out).images).toBe(splits.val.length);
    const refused = acseg([...common, '--features', join(caches, 'val'), '--out', join(tempDir(), 'e4')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/the k-NN memory bank needs the train split's features/);
  });

  it('the ACG without a checkpoint trains on --train-features (no image read for it); without that cache it is refused first', () => {
    const out = join(tempDir(), 'e5');
    const acg = ['eval', '--dataset', 'voc', '--root', voc, '--generator', 'acg', '--iterations', '3', '--classifier', 'kmeans', '--seeds', '1', '--quiet'];
    const r = acseg([...acg, '--features', join(caches, 'val'), '--train-features', join(caches, 'train'), '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/training acg on 6 images/);
    expect(existsSync(join(out, 'acg-checkpoint'))).toBe(true);
    const numbers = () => {
      const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { images: number; mIoU: unknown; confusion: unknown };
      return { images: m.images, mIoU: m.mIoU, confusion: m.confusion };
    };
    const first = numbers();
    expect(first.images).toBe(splits.val.length);
    // A rerun into the same --out uses the weights it trained (the same numbers); a train cache changed since (its
    // index.json rewritten): trained again.
    const again = acseg([...acg, '--features', join(caches, 'val'), '--train-features', join(caches, 'train'), '--out', out]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/training acg/);
    expect(again.stderr).toMatch(/acg: using the weights an earlier eval of this train split trained/);
    expect(numbers()).toEqual(first);
    const later = new Date(Date.now() + 5000);
    utimesSync(join(caches, 'train', 'index.json'), later, later);
    const changed = acseg([...acg, '--features', join(caches, 'val'), '--train-features', join(caches, 'train'), '--out', out]);
    expect(changed.status, changed.stderr).toBe(0);
    expect(changed.stderr).toMatch(/training acg on 6 images/);
    const refused = acseg([...acg, '--features', join(caches, 'val'), '--out', join(tempDir(), 'e6')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/training the ACG \(no --checkpoint given\) needs the train split's features/);
  });
});
