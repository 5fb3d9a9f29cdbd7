import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AcsegError, PLUGIN_API_VERSION, type AcsegPlugin } from '@acseg/core';
import { removeTempDirs, tempDir } from '@acseg/core/testing';
import { catalogFromPlugins } from './catalog.js';
import { CacheModelHub } from './hub.js';
import { FAKE_HUB_URL, fakeHub, serveFakeHub, sha256Hex } from './testing/index.js';

afterAll(removeTempDirs);

// A third-party plugin's declaration: plain files another component reads, nothing DINO-specific.
const weights = new Uint8Array(4321).map((_, i) => (i * 37 + 11) % 251);
const vocab = new TextEncoder().encode('{"tokens":["a","b"]}');
const thirdParty = {
  name: 'acseg-plugin-acme',
  version: '0.3.0',
  apiVersion: PLUGIN_API_VERSION,
  models: { 'acme-seg': { description: 'ACME segmenter weights', repo: 'acme/seg-small', files: ['weights.bin', 'vocab.json'] } },
} as unknown as AcsegPlugin;
const repos = { 'acme/seg-small': { 'weights.bin': { content: weights, lfs: true }, 'vocab.json': { content: vocab } } };

async function rejection(p: Promise<unknown>): Promise<AcsegError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AcsegError);
  return e as AcsegError;
}

describe('CacheModelHub over a third-party plugin’s declared model', () => {
  it('is not found before the pull (with the by-hand steps), pulled with checksums, then listed and resolved', async () => {
    const cacheDir = tempDir('hub-');
    const hub = new CacheModelHub({ cacheDir, models: catalogFromPlugins([thirdParty]), hubUrl: FAKE_HUB_URL });
    expect(hub.names()).toEqual(['acme-seg']);
    expect(hub.find('acme-seg')).toMatchObject({ repo: 'acme/seg-small', layout: 'files' });
    const dir = join(cacheDir, 'models', 'acme-seg', 'main');
    const before = await rejection(hub.resolve('acme-seg'));
    expect(before.code).toBe('MODEL_NOT_FOUND');
    expect(before.message.split('\n')).toEqual([
      `model acme-seg is not in the cache (${dir})`,
      `To install acme-seg by hand, download these files from ${FAKE_HUB_URL}/acme/seg-small (revision main) and place them as shown:`,
      `  ${FAKE_HUB_URL}/acme/seg-small/resolve/main/weights.bin`,
      `    → ${join(dir, 'weights.bin')}`,
      `  ${FAKE_HUB_URL}/acme/seg-small/resolve/main/vocab.json`,
      `    → ${join(dir, 'vocab.json')}`,
    ]);
    expect(before.hint).toBe('run `acseg models pull acme-seg`, or place the files as shown');

    const fake = fakeHub({ repos });
    const res = await hub.pull('acme-seg', { fetch: fake.fetch });
    expect(res).toMatchObject({ dir, layout: 'files', downloaded: 2, files: [join(dir, 'weights.bin'), join(dir, 'vocab.json')] });
    expect(res.onnx).toBeUndefined();
    expect(new Uint8Array(await readFile(join(dir, 'weights.bin')))).toEqual(weights);
    const manifest = JSON.parse(await readFile(join(dir, 'acseg-manifest.json'), 'utf8')) as {
      files: Array<{ path: string; sha256: string; verified: string }>;
    };
    expect(manifest.files).toEqual([
      expect.objectContaining({ path: 'weights.bin', sha256: sha256Hex(weights), verified: 'hub-lfs-sha256' }),
      expect.objectContaining({ path: 'vocab.json', sha256: sha256Hex(vocab), verified: 'hub-git-sha1' }),
    ]);
    const [row] = await hub.list();
    expect(row).toMatchObject({ name: 'acme-seg', layout: 'files', complete: true, usable: true, verified: true, missing: [] });
    expect(await hub.resolve('acme-seg')).toEqual({ name: 'acme-seg', revision: 'main', dir, layout: 'files' });
  });

  it('a folder lacking a declared file is a broken install (BAD_MODEL naming it)', async () => {
    const cacheDir = tempDir('hub-');
    const hub = new CacheModelHub({ cacheDir, models: catalogFromPlugins([thirdParty]), hubUrl: FAKE_HUB_URL });
    await hub.pull('acme-seg', { fetch: fakeHub({ repos }).fetch });
    const { rm } = await import('node:fs/promises');
    await rm(join(cacheDir, 'models', 'acme-seg', 'main', 'vocab.json'));
    const e = await rejection(hub.resolve('acme-seg'));
    expect(e.code).toBe('BAD_MODEL');
    expect(e.message.split('\n')[0]).toBe(`model acme-seg in the cache is incomplete: ${join(cacheDir, 'models', 'acme-seg', 'main')} lacks vocab.json`);
  });

  it('pulls over real HTTP from the served fake Hub (what the CLI test points HF_ENDPOINT at)', async () => {
    const server = await serveFakeHub({ repos });
    try {
      const cacheDir = tempDir('hub-');
      const hub = new CacheModelHub({ cacheDir, models: catalogFromPlugins([thirdParty]), hubUrl: server.url });
      const res = await hub.pull('acme-seg');
      expect(res.downloaded).toBe(2);
      expect(sha256Hex(new Uint8Array(await readFile(join(res.dir, 'weights.bin'))))).toBe(sha256Hex(weights));
      expect(server.requests).toContain('GET /acme/seg-small/resolve/main/weights.bin');
    } finally {
      await server.close();
    }
  });

  it('an undeclared name is MODEL_NOT_FOUND listing the declared ones', async () => {
    const hub = new CacheModelHub({ cacheDir: tempDir('hub-'), models: catalogFromPlugins([thirdParty]) });
    expect((await rejection(hub.resolve('dino-vits16'))).message).toBe('unknown model "dino-vits16". Known models: acme-seg');
  });
});
