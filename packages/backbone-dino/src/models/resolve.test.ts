import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@acseg/core/testing';
import { AcsegError } from '@acseg/core';
import { lcgBytes } from '../testing/tiny-vit.js';
import { defaultCacheDir } from '@acseg/model-hub';
import { FAKE_HUB_URL, fakeHub } from '@acseg/model-hub/testing';
import { listModels, pullModel } from '../testing/hub.js';
import { resolveModelFile } from './index.js';

// Every temp folder this file makes, removed once its tests are done.
afterAll(removeTempDirs);
const tmp = () => tempDir('models-r-');

const onnx = lcgBytes(11, 2000);
const config = new TextEncoder().encode('{"patch_size":8}');

async function place(dir: string, files: Record<string, Uint8Array | string>): Promise<void> {
  for (const [p, c] of Object.entries(files)) {
    await mkdir(join(dir, p, '..'), { recursive: true });
    await writeFile(join(dir, p), c);
  }
}

async function rejection(p: Promise<unknown>): Promise<AcsegError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AcsegError);
  return e as AcsegError;
}

describe('defaultCacheDir', () => {
  it('prefers $ACSEG_CACHE_DIR, then $XDG_CACHE_HOME/acseg, then ~/.cache/acseg (empty counts as unset)', () => {
    expect(defaultCacheDir({ ACSEG_CACHE_DIR: '/a', XDG_CACHE_HOME: '/x' }, '/u')).toBe('/a');
    expect(defaultCacheDir({ ACSEG_CACHE_DIR: '', XDG_CACHE_HOME: '/x' }, '/u')).toBe('/x/acseg');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '' }, '/u')).toBe('/u/.cache/acseg');
    expect(defaultCacheDir({})).toBe(join(homedir(), '.cache', 'acseg'));
  });
});

describe('resolveModelFile', () => {
  it('takes an .onnx file or a folder in Hub or acseg layout', async () => {
    const root = await tmp();
    await place(root, { 'hub/Xenova-dino/onnx/model.onnx': onnx, 'hub/Xenova-dino/config.json': config, 'mine/model.onnx': onnx, 'loose/vit.onnx': onnx });
    expect(await resolveModelFile(join(root, 'hub/Xenova-dino'))).toEqual({
      path: join(root, 'hub/Xenova-dino/onnx/model.onnx'),
      layout: 'hub-onnx',
      name: 'dino',
    });
    expect(await resolveModelFile(join(root, 'hub/Xenova-dino/onnx/model.onnx'))).toEqual({
      path: join(root, 'hub/Xenova-dino/onnx/model.onnx'),
      layout: 'hub-onnx',
      name: 'dino',
    });
    expect(await resolveModelFile(join(root, 'mine'))).toEqual({ path: join(root, 'mine/model.onnx'), layout: 'acseg-onnx', name: 'mine' });
    expect(await resolveModelFile(join(root, 'loose/vit.onnx'))).toEqual({ path: join(root, 'loose/vit.onnx'), layout: 'acseg-onnx', name: 'vit' });
    const e = await rejection(resolveModelFile(join(root, 'hub')));
    expect(e.code).toBe('MODEL_NOT_FOUND');
    expect(e.message).toBe(
      `${join(root, 'hub')}: the folder holds no ONNX model (looked for ${join(root, 'hub/onnx/model.onnx')} and ${join(root, 'hub/model.onnx')})`,
    );
  });

  it('finds a pulled model by name, with the model name as its identity', async () => {
    const cacheDir = await tmp();
    const hub = fakeHub({ repos: { 'Xenova/dino-vits8': { 'onnx/model.onnx': { content: onnx, lfs: true }, 'config.json': { content: config } } } });
    await pullModel('dino-vits8', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL });
    const path = join(cacheDir, 'models/dino-vits8/main/onnx/model.onnx');
    expect(await resolveModelFile('dino-vits8', { cacheDir })).toEqual({ path, layout: 'hub-onnx', name: 'dino-vits8' });
    // The same file given by path keeps the model's name, not the revision folder's.
    expect((await resolveModelFile(path, { cacheDir })).name).toBe('dino-vits8');
    // Another revision only: used when no revision is asked for.
    await pullModel('dino-vits8', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL, revision: 'v1.0' });
    expect((await resolveModelFile('dino-vits8', { cacheDir, revision: 'v1.0' })).path).toBe(join(cacheDir, 'models/dino-vits8/v1.0/onnx/model.onnx'));
  });

  it('a known model that is not cached: MODEL_NOT_FOUND with the pull command and the by-hand steps', async () => {
    const cacheDir = await tmp();
    const e = await rejection(resolveModelFile('dino-vitb8', { cacheDir, hubUrl: 'https://huggingface.co' }));
    const dir = join(cacheDir, 'models/dino-vitb8/main');
    expect(e.code).toBe('MODEL_NOT_FOUND');
    expect(e.message).toBe(
      [
        `model dino-vitb8 is not in the cache (${dir})`,
        'To install dino-vitb8 by hand, download these files from https://huggingface.co/Xenova/dino-vitb8 (revision main) and place them as shown:',
        '  https://huggingface.co/Xenova/dino-vitb8/resolve/main/onnx/model.onnx',
        `    → ${dir}/onnx/model.onnx`,
        '  https://huggingface.co/Xenova/dino-vitb8/resolve/main/config.json',
        `    → ${dir}/config.json`,
      ].join('\n'),
    );
    expect(e.hint).toBe('run `acseg models pull dino-vitb8`, or place the files as shown');

    await place(join(cacheDir, 'models/facebook--dino-vitb16/main'), { 'model.safetensors': 'w', 'config.json': '{}' });
    const e2 = await rejection(resolveModelFile('facebook/dino-vitb16', { cacheDir }));
    expect(e2.hint).toBe('the weights are there but not converted: run `acseg models pull facebook/dino-vitb16 --offline`');
  });

  it('a Hub model folder without config.json is usable: the ONNX graph says what the backbone needs', async () => {
    const cacheDir = await tmp();
    const dir = join(cacheDir, 'models/dino-vits16/main');
    await place(dir, { 'onnx/model.onnx': onnx });
    expect(await resolveModelFile('dino-vits16', { cacheDir })).toEqual({ path: join(dir, 'onnx/model.onnx'), layout: 'hub-onnx', name: 'dino-vits16' });
    const [m] = await listModels(cacheDir);
    expect(m).toMatchObject({ name: 'dino-vits16', missing: ['config.json'], complete: false, usable: true, onnx: join(dir, 'onnx/model.onnx') });
  });

  it('a cached folder without its ONNX file is a broken install (BAD_MODEL naming the missing file), not an absent model', async () => {
    const cacheDir = await tmp();
    const dir = join(cacheDir, 'models/dino-vits16/main');
    await place(dir, { 'config.json': config });
    const e = await rejection(resolveModelFile('dino-vits16', { cacheDir }));
    expect(e.code).toBe('BAD_MODEL');
    expect(e.file).toBe(dir);
    expect(e.message.split('\n')[0]).toBe(`model dino-vits16 in the cache is incomplete: ${dir} lacks onnx/model.onnx`);
    expect(e.hint).toBe('run `acseg models pull dino-vits16 --force`, or place the files as shown');
  });

  it('neither a path nor a known name', async () => {
    const e = await rejection(resolveModelFile('./no/such/model.onnx', { cacheDir: await tmp() }));
    expect(e.message).toMatch(/^\.\/no\/such\/model\.onnx: no such file or folder, and not a known model name \(known: dino-vits16, /);
  });
});

describe('listModels', () => {
  it('reports each cached folder with layout, size, completeness, usability and problems', async () => {
    const cacheDir = await tmp();
    expect(await listModels(cacheDir)).toEqual([]);
    const hub = fakeHub({ repos: { 'Xenova/dino-vits16': { 'onnx/model.onnx': { content: onnx, lfs: true }, 'config.json': { content: config } } } });
    await pullModel('dino-vits16', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL });
    const models = join(cacheDir, 'models');
    await place(join(models, 'dino-vitb16/main'), { 'config.json': config, 'onnx/model.onnx.tmp-1-2-3': 'half' });
    await place(join(models, 'facebook--dino-vits8/main'), { 'model.safetensors': 'w', 'config.json': '{}' });
    await place(join(models, 'my-vit/main'), { 'model.onnx': onnx });
    const list = await listModels(cacheDir);
    const row = (name: string) => list.find((m) => m.name === name)!;
    expect(list.map((m) => m.name)).toEqual(['dino-vitb16', 'dino-vits16', 'facebook/dino-vits8', 'my-vit']);
    const manifestSize = (await import('node:fs')).statSync(join(models, 'dino-vits16/main/acseg-manifest.json')).size;
    expect(row('dino-vits16')).toEqual({
      name: 'dino-vits16',
      revision: 'main',
      dir: join(models, 'dino-vits16/main'),
      layout: 'hub-onnx',
      size: onnx.length + config.length + manifestSize,
      missing: [],
      complete: true,
      usable: true,
      onnx: join(models, 'dino-vits16/main/onnx/model.onnx'),
      verified: true,
      problems: [],
    });
    expect(row('dino-vitb16')).toMatchObject({ missing: ['onnx/model.onnx'], complete: false, usable: false, onnx: undefined });
    expect(row('dino-vitb16').problems).toEqual([
      `${join(models, 'dino-vitb16/main/onnx/model.onnx.tmp-1-2-3')} is a leftover partial download (safe to delete)`,
    ]);
    expect(row('facebook/dino-vits8')).toMatchObject({ layout: 'safetensors', complete: true, usable: false, verified: false });
    expect(row('facebook/dino-vits8').problems).toEqual(['the weights are not converted yet: run `acseg models pull facebook/dino-vits8 --offline`']);
    expect(row('my-vit')).toMatchObject({ layout: 'unknown', usable: true, onnx: join(models, 'my-vit/main/model.onnx') });
  });
});
