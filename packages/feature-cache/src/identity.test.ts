import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
  const dir = await mkdtemp(join(tmpdir(), 'fcache-id-'));
  made.push(dir);
  return dir;
}
const names = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `/data/img${from + i}.jpg`);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A fake backbone whose model file is `file` with content `content`. */
function withModel(file: string, content: string, model = 'tiny-vit'): FakeBackbone {
  const b = new FakeBackbone({ model });
  Object.assign(b.info, { modelFile: file, modelSha256: sha(content) });
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

describe('a cache identifies its model by the content of the model file', () => {
  it('records the hash, refuses another file of the same name and shape, and names both files', async () => {
    const out = await tmp();
    await writeFeatureCache({ backbone: withModel('/m/models/a.onnx', 'weights A'), images: names(2), out });
    const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as CacheIndex;
    expect(index.info).toMatchObject({ model: 'tiny-vit', modelFile: '/m/models/a.onnx', modelSha256: sha('weights A') });
    const e = await refusal(writeFeatureCache({ backbone: withModel('/m/models/b.onnx', 'weights B'), images: names(2, 2), out }));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toContain(`holds features of model tiny-vit (/m/models/a.onnx, sha256 ${sha('weights A').slice(0, 12)}…)`);
    expect(e.message).toContain(`asks for model tiny-vit (/m/models/b.onnx, sha256 ${sha('weights B').slice(0, 12)}…)`);
    expect(e.message).toContain('model content: sha256');
    expect((await FeatureCache.open(out)).length).toBe(2);
  });

  it('the same content under another path or name is the same model', async () => {
    const out = await tmp();
    await writeFeatureCache({ backbone: withModel('/m/a.onnx', 'weights A', 'a'), images: names(2), out });
    const r = await writeFeatureCache({ backbone: withModel('/elsewhere/copy.onnx', 'weights A', 'copy'), images: names(3), out });
    expect(r).toMatchObject({ written: 1, resumed: 2, total: 3 });
  });

  it('without hashes (a backbone with no model file) the name decides, as before', async () => {
    const out = await tmp();
    await writeFeatureCache({ backbone: new FakeBackbone({ model: 'handcrafted-v1-224' }), images: names(1), out });
    expect(JSON.parse(await readFile(join(out, 'index.json'), 'utf8')).info.modelSha256).toBeUndefined();
    const e = await refusal(writeFeatureCache({ backbone: new FakeBackbone({ model: 'handcrafted-v1-448' }), images: names(1), out }));
    expect(e.message).toContain('model handcrafted-v1-224 ≠ handcrafted-v1-448');
  });

  it('an index whose modelSha256 is not a SHA-256 is reported as damaged', async () => {
    const out = await tmp();
    await writeFeatureCache({ backbone: withModel('/m/a.onnx', 'weights A'), images: names(1), out });
    const file = join(out, 'index.json');
    const index = JSON.parse(await readFile(file, 'utf8')) as CacheIndex;
    index.info.modelSha256 = 'abc';
    await writeFile(file, JSON.stringify(index));
    await expect(FeatureCache.open(out)).rejects.toMatchObject({ message: `${file}: "info.modelSha256" is not a SHA-256` });
  });
});
