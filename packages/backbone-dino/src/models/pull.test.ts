import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@acseg/core/testing';
import { AcsegError, type ProgressFactory } from '@acseg/core';
import { serializeSafetensors } from '@acseg/safetensors';
import { describeVitModel } from '../onnx/describe.js';
import { TINY, lcgBytes, makeVitWeights } from '../testing/tiny-vit.js';
import type { CheckpointConverter, ModelManifest } from '@acseg/model-hub';
import { FAKE_HUB_URL, fakeHub, gitBlobSha1, sha256Hex, type FakeFile } from '@acseg/model-hub/testing';
import { listModels, pullModel } from '../testing/hub.js';
import { resolveModelFile } from './index.js';

// Every temp folder this file makes, removed once its tests are done.
afterAll(removeTempDirs);
const tmp = () => tempDir('models-');

const onnxBytes = lcgBytes(7, 5000);
const configBytes = new TextEncoder().encode(JSON.stringify({ hidden_size: 384, patch_size: 16 }));
const xenova = (): Record<string, FakeFile> => ({ 'onnx/model.onnx': { content: onnxBytes, lfs: true }, 'config.json': { content: configBytes } });

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

async function rejection(p: Promise<unknown>): Promise<AcsegError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AcsegError);
  return e as AcsegError;
}

function recordingProgress(): { progress: ProgressFactory; bars: Array<{ label: string; total: number; last: number }> } {
  const bars: Array<{ label: string; total: number; last: number }> = [];
  return {
    bars,
    progress: {
      start(label, total) {
        const b = { label, total, last: 0 };
        bars.push(b);
        return {
          update(n) {
            b.last = n;
          },
          stop() {},
        };
      },
    },
  };
}

describe('pullModel', () => {
  it('downloads a Hub ONNX export with checksums, a manifest and a progress bar; a second pull uses the cache', async () => {
    const cacheDir = await tmp();
    const hub = fakeHub({ repos: { 'Xenova/dino-vits16': xenova() } });
    const { progress, bars } = recordingProgress();
    const res = await pullModel('dino-vits16', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL, progress });
    const dir = join(cacheDir, 'models', 'dino-vits16', 'main');
    expect(res).toEqual({
      dir,
      files: [join(dir, 'onnx/model.onnx'), join(dir, 'config.json')],
      onnx: join(dir, 'onnx/model.onnx'),
      layout: 'hub-onnx',
      downloaded: 2,
    });
    expect(new Uint8Array(await readFile(join(dir, 'onnx/model.onnx')))).toEqual(onnxBytes);
    expect(new Uint8Array(await readFile(join(dir, 'config.json')))).toEqual(configBytes);
    expect(await filesUnder(dir)).toEqual(['acseg-manifest.json', 'config.json', 'onnx/model.onnx']);
    const m = JSON.parse(await readFile(join(dir, 'acseg-manifest.json'), 'utf8')) as ModelManifest;
    expect(m.files).toEqual([
      { path: 'onnx/model.onnx', size: 5000, sha256: sha256Hex(onnxBytes), verified: 'hub-lfs-sha256' },
      { path: 'config.json', size: configBytes.length, sha256: sha256Hex(configBytes), verified: 'hub-git-sha1' },
    ]);
    expect(m).toMatchObject({ name: 'dino-vits16', repo: 'Xenova/dino-vits16', revision: 'main', layout: 'hub-onnx', hubUrl: FAKE_HUB_URL });
    expect(bars.map((b) => [b.label, b.total, b.last])).toEqual([
      ['dino-vits16: onnx/model.onnx', 5000, 5000],
      ['dino-vits16: config.json', configBytes.length, configBytes.length],
    ]);

    hub.requests.length = 0;
    const again = await pullModel('dino-vits16', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL });
    expect(again.downloaded).toBe(0);
    expect(hub.requests).toEqual([]);
    const forced = await pullModel('dino-vits16', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL, force: true });
    expect(forced.downloaded).toBe(2);
  });

  it('detects a checksum mismatch (LFS SHA-256 and Git SHA-1) and writes nothing under the final name', async () => {
    for (const [path, kind] of [
      ['onnx/model.onnx', 'SHA-256'],
      ['config.json', 'Git blob SHA-1'],
    ] as const) {
      const cacheDir = await tmp();
      const bad = (path === 'config.json' ? configBytes : onnxBytes).slice();
      bad[10] ^= 0xff; // same length, one byte changed
      const hub = fakeHub({ repos: { 'Xenova/dino-vits16': xenova() }, tamper: { [`Xenova/dino-vits16/${path}`]: bad } });
      const e = await rejection(pullModel('dino-vits16', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL }));
      expect(e.code).toBe('BAD_MODEL');
      expect(e.message).toContain(`${path} from Xenova/dino-vits16: checksum mismatch, ${kind} of the downloaded bytes is`);
      const dir = join(cacheDir, 'models', 'dino-vits16', 'main');
      expect(await filesUnder(dir)).not.toContain(path);
      expect((await filesUnder(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
    }
  });

  it('an interrupted download leaves no half file under the final name, and no temp file', async () => {
    const cacheDir = await tmp();
    const hub = fakeHub({ repos: { 'Xenova/dino-vits16': xenova() }, cutAfter: { 'Xenova/dino-vits16/onnx/model.onnx': 2500 } });
    const e = await rejection(pullModel('dino-vits16', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL }));
    expect(e.code).toBe('MODEL_NOT_FOUND');
    expect(e.message).toContain(`downloading ${FAKE_HUB_URL}/Xenova/dino-vits16/resolve/main/onnx/model.onnx failed`);
    expect(await filesUnder(join(cacheDir, 'models', 'dino-vits16', 'main'))).toEqual([]);
    // The next pull (connection fine) completes.
    const ok = fakeHub({ repos: { 'Xenova/dino-vits16': xenova() } });
    expect((await pullModel('dino-vits16', { cacheDir, fetch: ok.fetch, hubUrl: FAKE_HUB_URL })).downloaded).toBe(2);
  });

  it('offline: names the files, their URLs and the exact folder to place them in', async () => {
    const cacheDir = await tmp();
    const dir = join(cacheDir, 'models', 'dino-vits8', 'main');
    const hub = fakeHub({ repos: {}, offline: true });
    const e = await rejection(pullModel('dino-vits8', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL }));
    expect(e.code).toBe('MODEL_NOT_FOUND');
    expect(e.message).toBe(
      [
        `dino-vits8: cannot reach ${FAKE_HUB_URL}/Xenova/dino-vits8 (fetch failed: getaddrinfo ENOTFOUND hub.test)`,
        `To install dino-vits8 by hand, download these files from ${FAKE_HUB_URL}/Xenova/dino-vits8 (revision main) and place them as shown:`,
        `  ${FAKE_HUB_URL}/Xenova/dino-vits8/resolve/main/onnx/model.onnx`,
        `    → ${join(dir, 'onnx/model.onnx')}`,
        `  ${FAKE_HUB_URL}/Xenova/dino-vits8/resolve/main/config.json`,
        `    → ${join(dir, 'config.json')}`,
      ].join('\n'),
    );
    expect(e.hint).toBe('then run `acseg models list` to check them');

    // --offline never touches the network.
    const e2 = await rejection(pullModel('dino-vits8', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL, offline: true }));
    expect(e2.message).toMatch(new RegExp(`^dino-vits8: offline, and onnx/model.onnx, config.json are not in ${dir}\nTo install`));
    expect(hub.requests).toHaveLength(1);
  });

  it('offline with files placed by hand: accepted, recorded as unverified, usable', async () => {
    const cacheDir = await tmp();
    const dir = join(cacheDir, 'models', 'dino-vitb16', 'main');
    await mkdir(join(dir, 'onnx'), { recursive: true });
    await writeFile(join(dir, 'onnx/model.onnx'), onnxBytes);
    await writeFile(join(dir, 'config.json'), configBytes);
    const res = await pullModel('dino-vitb16', { cacheDir, offline: true });
    expect(res.onnx).toBe(join(dir, 'onnx/model.onnx'));
    const m = JSON.parse(await readFile(join(dir, 'acseg-manifest.json'), 'utf8')) as ModelManifest;
    expect(m.files.map((f) => [f.path, f.sha256, f.verified])).toEqual([
      ['onnx/model.onnx', sha256Hex(onnxBytes), 'none'],
      ['config.json', sha256Hex(configBytes), 'none'],
    ]);
    const [entry] = await listModels(cacheDir);
    expect(entry).toMatchObject({ name: 'dino-vitb16', usable: true, complete: true, verified: false });
    // Online later: the hand-placed files match the Hub's checksums, so they are kept and marked verified.
    const hub = fakeHub({ repos: { 'Xenova/dino-vitb16': xenova() } });
    const online = await pullModel('dino-vitb16', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL });
    expect(online.downloaded).toBe(0);
    expect(hub.requests).toEqual(['POST /api/models/Xenova/dino-vitb16/paths-info/main']);
    expect((await listModels(cacheDir))[0].verified).toBe(true);
    // A hand-placed file that differs from the Hub's is replaced by the Hub's.
    await writeFile(
      join(dir, 'config.json'),
      configBytes.map((b) => (b === 0x33 ? 0x34 : b)),
    );
    expect((await pullModel('dino-vitb16', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL })).downloaded).toBe(1);
    expect(new Uint8Array(await readFile(join(dir, 'config.json')))).toEqual(configBytes);
  });

  it('online but the Hub unreachable, with every file present: warns and uses them', async () => {
    const cacheDir = await tmp();
    const dir = join(cacheDir, 'models', 'dino-vits16', 'main');
    await mkdir(join(dir, 'onnx'), { recursive: true });
    await writeFile(join(dir, 'onnx/model.onnx'), onnxBytes);
    await writeFile(join(dir, 'config.json'), configBytes);
    const warnings: string[] = [];
    const res = await pullModel('dino-vits16', {
      cacheDir,
      fetch: fakeHub({ repos: {}, offline: true }).fetch,
      hubUrl: FAKE_HUB_URL,
      log: { info() {}, debug() {}, warn: (m) => warnings.push(m) },
    });
    expect(res.downloaded).toBe(0);
    expect(warnings).toEqual([
      `dino-vits16: cannot reach ${FAKE_HUB_URL}/Xenova/dino-vits16 (fetch failed: getaddrinfo ENOTFOUND hub.test); using the files in ${dir} without checking them`,
    ]);
  });

  it('converts a safetensors model after the download (injected converter), once per weights and input size', async () => {
    const cacheDir = await tmp();
    const weights = lcgBytes(3, 3000);
    const hub = fakeHub({
      repos: { 'facebook/dino-vits16': { 'model.safetensors': { content: weights, lfs: true }, 'config.json': { content: configBytes } } },
    });
    const calls: Array<Parameters<CheckpointConverter>[0]> = [];
    const convert: CheckpointConverter = async (o) => {
      calls.push(o);
      await writeFile(o.out, `onnx of ${sha256Hex(new Uint8Array(await readFile(o.weights)))} at ${o.inputSize}`);
      return { out: o.out, info: {} };
    };
    const dir = join(cacheDir, 'models', 'facebook--dino-vits16', 'main');
    const res = await pullModel('facebook/dino-vits16', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL, convert });
    expect(res.files).toEqual([join(dir, 'model.safetensors'), join(dir, 'config.json'), join(dir, 'model.onnx')]);
    expect(calls).toEqual([
      {
        weights: join(dir, 'model.safetensors'),
        config: join(dir, 'config.json'),
        out: join(dir, 'model.onnx'),
        inputSize: 224,
        modelName: 'facebook/dino-vits16',
      },
    ]);
    expect(await readFile(join(dir, 'model.onnx'), 'utf8')).toBe(`onnx of ${sha256Hex(weights)} at 224`);
    const m = JSON.parse(await readFile(join(dir, 'acseg-manifest.json'), 'utf8')) as ModelManifest;
    expect(m.converted).toMatchObject({ file: 'model.onnx', inputSize: 224, weightsSha256: sha256Hex(weights) });
    await pullModel('facebook/dino-vits16', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL, convert });
    expect(calls).toHaveLength(1);
    await pullModel('facebook/dino-vits16', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL, convert, inputSize: 448 });
    expect(calls.map((c) => c.inputSize)).toEqual([224, 448]);
    expect(await resolveModelFile('facebook/dino-vits16', { cacheDir })).toEqual({
      path: join(dir, 'model.onnx'),
      layout: 'acseg-onnx',
      name: 'facebook/dino-vits16',
    });
  });

  it('converts a real (tiny, random) checkpoint with the package converter into a loadable ViT', async () => {
    const cacheDir = await tmp();
    const weights = serializeSafetensors(makeVitWeights(TINY));
    const config = new TextEncoder().encode(
      JSON.stringify({ hidden_size: 48, num_hidden_layers: 2, num_attention_heads: 3, intermediate_size: 192, patch_size: 16, image_size: 48 }),
    );
    const hub = fakeHub({ repos: { 'facebook/dino-vits8': { 'model.safetensors': { content: weights, lfs: true }, 'config.json': { content: config } } } });
    const res = await pullModel('facebook/dino-vits8', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL, inputSize: 32 });
    const model = describeVitModel(new Uint8Array(await readFile(res.onnx!)), res.onnx!);
    expect(model).toMatchObject({ layout: 'acseg-onnx', dim: 48, patchSize: 16 });
  });

  it('unknown names and files the Hub lacks are MODEL_NOT_FOUND', async () => {
    const e = await rejection(pullModel('dino-vitl14', { cacheDir: await tmp() }));
    expect(e.message).toMatch(/^unknown model "dino-vitl14". Known models: dino-vits16, dino-vits8, dino-vitb16, dino-vitb8, facebook\/dino-vits16/);
    const hub = fakeHub({ repos: { 'Xenova/dino-vits16': { 'config.json': { content: configBytes } } } });
    const e2 = await rejection(pullModel('dino-vits16', { cacheDir: await tmp(), fetch: hub.fetch, hubUrl: FAKE_HUB_URL }));
    expect(e2.message).toMatch(/^dino-vits16: https:\/\/hub.test\/Xenova\/dino-vits16 at revision main has no onnx\/model.onnx\nTo install/);
    const e3 = await rejection(pullModel('dino-vits16', { cacheDir: await tmp(), fetch: fakeHub({ repos: {} }).fetch, hubUrl: FAKE_HUB_URL }));
    expect(e3.message).toMatch(/^dino-vits16: https:\/\/hub.test\/Xenova\/dino-vits16 answered HTTP 404 \(Repository not found\..*\)\nTo install/);
  });

  it('checks the Git SHA-1 the fake Hub lists the way Git does (independent check of the fixture)', () => {
    // `printf 'hello\n' | git hash-object --stdin`
    expect(gitBlobSha1(new TextEncoder().encode('hello\n'))).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});
