import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadVitModel } from '../load-model.js';
import { buildVitOnnx } from '../onnx/build-vit.js';
import { TINY, makeVitWeights } from '../testing/tiny-vit.js';
import { inferVitConfig } from '../vit/config.js';
import { MODEL_HASHES_FILE } from '@acseg/model-hub';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tmp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dino-hash-'));
  made.push(dir);
  return dir;
}

/** A tiny random ViT; `salt` changes its weights (not its shape or name). */
function tinyVit(salt: number): Uint8Array {
  const w = makeVitWeights(TINY);
  w['layernorm.bias'].data[0] += salt;
  return buildVitOnnx(w, inferVitConfig(w, 'tiny', { num_attention_heads: 3 }), { inputSize: 48, modelName: 'tiny-vit' });
}
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const hashesIn = async (cacheDir: string) =>
  JSON.parse(await readFile(join(cacheDir, MODEL_HASHES_FILE), 'utf8')) as { files: Record<string, { sha256: string }> };

describe('the SHA-256 of a model file', () => {
  it('differs for two models of the same name and shape in one folder, and is the content hash', async () => {
    const dir = await tmp();
    const [a, b] = [tinyVit(0), tinyVit(0.5)];
    expect(a.length).toBe(b.length);
    await writeFile(join(dir, 'a.onnx'), a);
    await writeFile(join(dir, 'b.onnx'), b);
    const ma = await loadVitModel(join(dir, 'a.onnx'));
    const mb = await loadVitModel(join(dir, 'b.onnx'));
    expect(ma.name).toBe(mb.name);
    expect(ma.sha256).toBe(sha(a));
    expect(mb.sha256).toBe(sha(b));
  });

  it('is remembered in <cacheDir>/model-hashes.json by path, size and times, and taken again when the file changes', async () => {
    const dir = await tmp();
    const cacheDir = join(await tmp(), 'acseg');
    const file = join(dir, 'vit.onnx');
    await writeFile(file, tinyVit(0));
    const hourAgo = new Date(Date.now() - 3600_000);
    await utimes(file, hourAgo, hourAgo);
    expect((await loadVitModel(file, { hashCacheDir: cacheDir })).sha256).toBe(sha(tinyVit(0)));
    // Tamper with the remembered hash: a load that uses the record (does not hash again) returns it.
    const store = await hashesIn(cacheDir);
    const fake = 'f'.repeat(64);
    store.files[resolve(file)].sha256 = fake;
    await writeFile(join(cacheDir, MODEL_HASHES_FILE), JSON.stringify(store));
    expect((await loadVitModel(file, { hashCacheDir: cacheDir })).sha256).toBe(fake);
    // Replaced in place (same size, new content): hashed again.
    await writeFile(file, tinyVit(0.5));
    expect((await loadVitModel(file, { hashCacheDir: cacheDir })).sha256).toBe(sha(tinyVit(0.5)));
  });

  it('a file changed moments before it was hashed is hashed again (its time may not have moved)', async () => {
    const dir = await tmp();
    const cacheDir = await tmp();
    const file = join(dir, 'vit.onnx');
    await writeFile(file, tinyVit(0));
    await loadVitModel(file, { hashCacheDir: cacheDir });
    const store = await hashesIn(cacheDir);
    store.files[resolve(file)].sha256 = 'f'.repeat(64);
    await writeFile(join(cacheDir, MODEL_HASHES_FILE), JSON.stringify(store));
    expect((await loadVitModel(file, { hashCacheDir: cacheDir })).sha256).toBe(sha(tinyVit(0)));
  });
});
