import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backbone, FeatureMap, FeatureResult, ImageInput } from '@acseg/core';
import { serializeSafetensors } from '@acseg/safetensors';
import { FeatureCache } from '../read.js';
import { writeFeatureCache } from '../write.js';
import { f32Npy, npyBytes, npzBytes, stringsNpy } from '../testing/npy-writer.js';
import { importFeatures } from './import.js';

/** Exactly representable in float32 and never 0, so a test (or Python) recomputes every value. */
function value(image: number, t: number, i: number): number {
  return (((image * 31 + t * 7 + i * 13) % 17) - 8) / 4 + 0.125;
}
function fill(image: number, t: number, len: number): Float32Array {
  return Float32Array.from({ length: len }, (_, i) => value(image, t, i));
}
function stack(N: number, t: number, len: number): Float32Array {
  const out = new Float32Array(N * len);
  for (let k = 0; k < N; k++) out.set(fill(k, t, len), k * len);
  return out;
}

const G = { h: 3, w: 4 };
const n = G.h * G.w;
const d = 5;
const heads = 2;
const ids = ['street', 'field', 'car-7', 'sky', 'x'];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-import-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(path: string): Promise<FeatureMap[]> {
  const cache = await FeatureCache.open(path);
  try {
    return await cache.read(cache.ids.map((_, i) => i));
  } finally {
    await cache.close();
  }
}

/** The same maps, written by the existing writer from an in-memory backbone. */
async function throughWriter(maps: FeatureMap[], out: string): Promise<void> {
  const bySource = new Map(maps.map((m) => [m.source!, m]));
  const backbone: Backbone = {
    name: 'imported',
    info: {
      model: 'imported',
      patchSize: 8,
      inputSize: Math.max(G.h, G.w) * 8,
      dim: d,
      heads: maps[0].attention ? heads : undefined,
      hasAttention: !!maps[0].attention,
    },
    async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
      for (const im of images) yield { ok: true, features: bySource.get(im as string)! };
    },
  };
  await writeFeatureCache({ backbone, images: maps.map((m) => m.source!), out });
}

describe('importFeatures', () => {
  it('imports a stacked [N, h, w, d] .npy with ids from a list into the cache the writer makes from the same features', async () => {
    const N = ids.length;
    const file = join(dir, 'feats.npy');
    await writeFile(file, f32Npy([N, G.h, G.w, d], stack(N, 0, n * d)));
    const out = join(dir, 'cache');
    const r = await importFeatures({ files: [file], out, ids, patchSize: 8, shardSize: 2 });
    expect(r).toMatchObject({ written: N, total: N, skipped: [], layout: { grid: G, dim: d, heads: 0, cls: false } });
    const got = await readAll(out);
    expect(got.map((f) => f.id)).toEqual(ids);
    got.forEach((f, k) => {
      expect(f.grid).toEqual(G);
      expect(f.imageSize).toEqual({ width: G.w * 8, height: G.h * 8 });
      expect(Array.from(f.tokens)).toEqual(Array.from(fill(k, 0, n * d)));
    });
    // The same features through the writer: every map read back is the same, so every segmentation is.
    const ref = join(dir, 'ref');
    await throughWriter(got, ref);
    expect(await readAll(ref)).toEqual(got);
    const info = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')).info;
    expect(info).toMatchObject({ model: 'imported', patchSize: 8, inputSize: 32, dim: d, hasAttention: false });
  });

  it('reads [N, n, d] with a CLS row first, a non-square --grid and attention [N, heads, n] from an .npz with ids and patch_size', async () => {
    const N = 3;
    // patch_size as a 0-d int64 array
    const ps = new Uint8Array(8);
    new DataView(ps.buffer).setBigInt64(0, 14n, true);
    const file = join(dir, 'feats.npz');
    await writeFile(
      file,
      npzBytes({
        tokens: f32Npy([N, 1 + n, d], stack(N, 0, (1 + n) * d)),
        attention: f32Npy([N, heads, n], stack(N, 2, heads * n)),
        ids: stringsNpy(ids.slice(0, N)),
        patch_size: npyBytes('<i8', [], ps),
      }),
    );
    const out = join(dir, 'cache');
    const r = await importFeatures({ files: [file], out, grid: G, clsInTokens: true });
    expect(r.info).toMatchObject({ patchSize: 14, heads, hasAttention: true });
    const got = await readAll(out);
    expect(got.map((f) => f.id)).toEqual(ids.slice(0, N));
    got.forEach((f, k) => {
      const all = fill(k, 0, (1 + n) * d);
      expect(Array.from(f.cls!)).toEqual(Array.from(all.subarray(0, d)));
      expect(Array.from(f.tokens)).toEqual(Array.from(all.subarray(d)));
      expect(f.attention!.heads).toBe(heads);
      expect(Array.from(f.attention!.data)).toEqual(Array.from(fill(k, 2, heads * n)));
    });
  });

  it('takes CLS and attention from separate .npy files beside a stacked .npy', async () => {
    const N = 3;
    await writeFile(join(dir, 'tokens.npy'), f32Npy([N, n, d], stack(N, 0, n * d)));
    await writeFile(join(dir, 'cls.npy'), f32Npy([N, d], stack(N, 1, d)));
    await writeFile(join(dir, 'att.npy'), f32Npy([N, heads, G.h, G.w], stack(N, 2, heads * n)));
    const out = join(dir, 'cache');
    const r = await importFeatures({
      files: [join(dir, 'tokens.npy')],
      clsFile: join(dir, 'cls.npy'),
      attentionFile: join(dir, 'att.npy'),
      out,
      grid: G,
      patchSize: 8,
    });
    expect(r.layout).toMatchObject({ cls: true, heads });
    const got = await readAll(out);
    got.forEach((f, k) => {
      expect(Array.from(f.cls!)).toEqual(Array.from(fill(k, 1, d)));
      expect(Array.from(f.attention!.data)).toEqual(Array.from(fill(k, 2, heads * n)));
    });
    await writeFile(join(dir, 'cls-short.npy'), f32Npy([N - 1, d], stack(N - 1, 1, d)));
    await expect(
      importFeatures({ files: [join(dir, 'tokens.npy')], clsFile: join(dir, 'cls-short.npy'), out: join(dir, 'c2'), grid: G, patchSize: 8 }),
    ).rejects.toThrow(/cls-short\.npy: holds 2 rows, the features 3 images/);
  });

  it('reads one array per image from .npz members (stored and deflated) and safetensors tensors, with cls/<id>', async () => {
    const members: Record<string, Uint8Array> = {};
    const tensors: Parameters<typeof serializeSafetensors>[0] = {};
    ids.forEach((id, k) => {
      members[id] = f32Npy([G.h, G.w, d], fill(k, 0, n * d));
      members[`cls/${id}`] = f32Npy([d], fill(k, 1, d));
      tensors[id] = { dtype: 'F32', shape: [n, d], data: fill(k, 0, n * d) };
      tensors[`cls/${id}`] = { dtype: 'F32', shape: [d], data: fill(k, 1, d) };
    });
    await writeFile(join(dir, 'a.npz'), npzBytes(members));
    await writeFile(join(dir, 'b.npz'), npzBytes(members, true));
    await writeFile(join(dir, 'c.safetensors'), serializeSafetensors(tensors, { patch_size: '16' }));
    const caches = [];
    for (const name of ['a.npz', 'b.npz', 'c.safetensors']) {
      const out = join(dir, `${name}-cache`);
      await importFeatures({ files: [join(dir, name)], out, grid: G, patchSize: 16 });
      caches.push(await readAll(out));
    }
    // safetensors keeps tensors in name order (its header is sorted); the .npz in the order written.
    expect(caches[0].map((f) => f.id)).toEqual(ids);
    expect(caches[2].map((f) => f.id)).toEqual([...ids].sort());
    for (const got of caches) {
      got.forEach((f) => {
        const k = ids.indexOf(f.id);
        expect(Array.from(f.tokens)).toEqual(Array.from(fill(k, 0, n * d)));
        expect(Array.from(f.cls!)).toEqual(Array.from(fill(k, 1, d)));
      });
    }
  });

  it('skips an image with NaN, an all-zero patch or a ragged shape, naming the file and the image; the rest go in', async () => {
    const members: Record<string, Uint8Array> = {};
    ids.forEach((id, k) => {
      const t = fill(k, 0, n * d);
      if (id === 'field') t[2 * d + 3] = NaN;
      if (id === 'sky') t.fill(0, 4 * d, 5 * d);
      members[id] = id === 'x' ? f32Npy([n + 1, d], fill(k, 0, (n + 1) * d)) : f32Npy([n, d], t);
    });
    const file = join(dir, 'bad.npz');
    await writeFile(file, npzBytes(members));
    const r = await importFeatures({ files: [file], out: join(dir, 'cache'), grid: G, patchSize: 8 });
    expect(r.written).toBe(2);
    const msg = Object.fromEntries(r.skipped.map((s) => [s.source.split('/').pop(), s.message]));
    expect(Object.keys(msg).sort()).toEqual(['field', 'sky', 'x']);
    expect(msg.field).toMatch(/bad\.npz, image "field": patch 2 has a non-finite feature value \(NaN\)/);
    expect(msg.sky).toMatch(/bad\.npz, image "sky": patch 4 is an all-zero vector/);
    expect(msg.x).toMatch(/bad\.npz \(x\): tokens is \[13,5\], the first image's is \[12,5\] \(ragged/);
  });

  it('reads rows by offset: a truncated .npy gives the rows before the cut and names the file for the rest', async () => {
    const N = 4;
    const file = join(dir, 'cut.npy');
    const bytes = f32Npy([N, n, d], stack(N, 0, n * d));
    await writeFile(file, bytes.subarray(0, bytes.length - 10));
    const r = await importFeatures({ files: [file], out: join(dir, 'cache'), grid: G, patchSize: 8 });
    expect(r.written).toBe(3);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0].message).toMatch(/cut\.npy: rows 3\.\.3 are cut short/);
  });

  it('resumes: an interrupted import keeps what it wrote, and the same call finishes the rest', async () => {
    const N = 6;
    const file = join(dir, 'feats.npy');
    await writeFile(file, f32Npy([N, n, d], stack(N, 0, n * d)));
    const out = join(dir, 'cache');
    const ac = new AbortController();
    const progress = {
      start: () => ({
        update: (done: number) => {
          if (done === 4) ac.abort();
        },
        stop: () => undefined,
      }),
    };
    await expect(importFeatures({ files: [file], out, grid: G, patchSize: 8, signal: ac.signal, progress })).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect((await readAll(out)).length).toBe(4);
    const r = await importFeatures({ files: [file], out, grid: G, patchSize: 8 });
    expect(r).toMatchObject({ written: 2, resumed: 4, total: N });
    const got = await readAll(out);
    got.forEach((f, k) => expect(Array.from(f.tokens)).toEqual(Array.from(fill(k, 0, n * d))));
    // Another model name is another cache: refused, not mixed.
    await expect(importFeatures({ files: [file], out, grid: G, patchSize: 8, model: 'dinov2' })).rejects.toThrow(/holds features of/);
  });

  it('refuses, before any work, a missing patch size, an ids list of the wrong length and a grid the tokens do not fill', async () => {
    const file = join(dir, 'feats.npy');
    await writeFile(file, f32Npy([2, n, d], stack(2, 0, n * d)));
    const out = join(dir, 'cache');
    await expect(importFeatures({ files: [file], out, grid: G })).rejects.toMatchObject({
      code: 'BAD_CONFIG',
      message: expect.stringMatching(/patch size is not given/),
    });
    await expect(importFeatures({ files: [file], out, grid: G, patchSize: 8, ids: ['a'] })).rejects.toThrow(/ids list holds 1 ids/);
    await expect(importFeatures({ files: [file], out, patchSize: 8 })).rejects.toThrow(/12 patches per image is not a square grid/);
    await expect(importFeatures({ files: [file], out, grid: { h: 2, w: 5 }, patchSize: 8 })).rejects.toThrow(/do not fill the --grid 2×5/);
    await expect(FeatureCache.open(out)).rejects.toThrow(/not found/);
  });
});

// The python3 on PATH, else Debian's, whichever imports numpy (as the Python reader test does).
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0);

describe('the import backbone', () => {
  it('finds each row whatever order the sources are asked in (the writer asks in plan order; anything else falls back to a lookup)', async () => {
    const { openArrayFile } = await import('./arrays.js');
    const { planImport } = await import('./plan.js');
    const { importBackbone, layoutOf } = await import('./layout.js');
    const file = join(dir, 'feats.npy');
    await writeFile(file, f32Npy([5, G.h, G.w, d], stack(5, 0, n * d)));
    const f = await openArrayFile(file);
    try {
      const plan = await planImport([f], ids, (_file, id) => `<${id}>`);
      const L = layoutOf(plan, file, {});
      const backbone = importBackbone(plan, L, { model: 'imported', patchSize: 8, inputSize: 32, dim: d, hasAttention: false }, async () => ({
        width: 32,
        height: 24,
      }));
      const ask = ['<field>', '<sky>', '<street>', '<x>', '<car-7>', '<field>'];
      const got: FeatureResult[] = [];
      for await (const r of backbone.extract(ask)) got.push(r);
      expect(got.map((r) => (r.ok ? r.features.id : r.error.message))).toEqual(['field', 'sky', 'street', 'x', 'car-7', 'field']);
      for (const r of got) if (r.ok) expect(Array.from(r.features.tokens)).toEqual(Array.from(fill(ids.indexOf(r.features.id), 0, n * d)));
      await expect(
        (async () => {
          for await (const r of backbone.extract(['<nope>'])) void r;
        })(),
      ).rejects.toThrow(/<nope> is not one of the imported images/);
    } finally {
      await f.close();
    }
  });
});

describe('importFeatures from files numpy wrote', () => {
  it.skipIf(!python && !process.env.CI)('reads np.save, np.savez and np.savez_compressed output (needs python3 + numpy)', async () => {
    if (!python) throw new Error('CI is set but no python3 can import numpy');
    const script = `
import numpy as np, sys
out = sys.argv[1]
def value(img, t, i): return (((img * 31 + t * 7 + i * 13) % 17) - 8) / 4 + 0.125
def fill(img, t, shape):
    return np.array([value(img, t, i) for i in range(int(np.prod(shape)))], dtype=np.float32).reshape(shape)
ids = ${JSON.stringify(ids)}
N = len(ids)
np.save(out + '/stacked.npy', np.stack([fill(k, 0, (${G.h}, ${G.w}, ${d})) for k in range(N)]))
np.savez(out + '/stacked.npz', tokens=np.stack([fill(k, 0, (${n}, ${d})) for k in range(N)]),
         cls=np.stack([fill(k, 1, (${d},)) for k in range(N)]), ids=np.array(ids), patch_size=np.int64(16))
per = {id: fill(k, 0, (${n}, ${d})) for k, id in enumerate(ids)}
per.update({'cls/' + id: fill(k, 1, (${d},)) for k, id in enumerate(ids)})
np.savez_compressed(out + '/per-image.npz', **per)
`;
    const run = spawnSync(python, ['-c', script, dir], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    await writeFile(join(dir, 'ids.txt'), `${ids.join('\n')}\n`);
    const idList = (await readFile(join(dir, 'ids.txt'), 'utf8')).split('\n').filter(Boolean);
    const cases = [
      { name: 'stacked.npy', opts: { ids: idList, patchSize: 16 }, cls: false },
      { name: 'stacked.npz', opts: { grid: G }, cls: true },
      { name: 'per-image.npz', opts: { grid: G, patchSize: 16 }, cls: true },
    ];
    for (const c of cases) {
      const out = join(dir, `${c.name}-cache`);
      const r = await importFeatures({ files: [join(dir, c.name)], out, ...c.opts });
      expect(r.skipped).toEqual([]);
      const got = await readAll(out);
      expect(got.map((f) => f.id)).toEqual(ids);
      got.forEach((f, k) => {
        expect(f.grid).toEqual(G);
        expect(Array.from(f.tokens)).toEqual(Array.from(fill(k, 0, n * d)));
        if (c.cls) expect(Array.from(f.cls!)).toEqual(Array.from(fill(k, 1, d)));
        else expect(f.cls).toBeUndefined();
      });
    }
  });
});
