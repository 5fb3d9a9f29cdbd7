import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AcsegError } from '@acseg/core';
import { lcgBytes } from '../testing/tiny-vit.js';
import { FAKE_HUB_URL, fakeHub } from '@acseg/model-hub/testing';
import { pullModel } from '../testing/hub.js';
import { findModel, knownModelNames } from './index.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});
const savedToken = process.env.HF_TOKEN;
afterEach(() => {
  if (savedToken === undefined) delete process.env.HF_TOKEN;
  else process.env.HF_TOKEN = savedToken;
});
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'models-gated-'));
  made.push(d);
  return d;
}

const REPO = 'onnx-community/dinov3-vits16-pretrain-lvd1689m-ONNX';
const onnx = lcgBytes(11, 3000);
const config = new TextEncoder().encode(JSON.stringify({ model_type: 'dinov3_vit', num_register_tokens: 4 }));
const repos = { [REPO]: { 'onnx/model.onnx': { content: onnx, lfs: true }, 'config.json': { content: config } } };
const gated = { repos: [REPO], token: 'hf_good' };

async function refusal(p: Promise<unknown>): Promise<AcsegError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AcsegError);
  return e as AcsegError;
}

describe('the new families in the registry', () => {
  it('names DINOv2 (with and without registers) and DINOv3 models with their patch, registers and family', () => {
    expect(knownModelNames()).toEqual(
      expect.arrayContaining([
        'dinov2-vits14',
        'dinov2-vitb14',
        'dinov2-reg-vits14',
        'dinov2-reg-vitb14',
        'dinov3-vits16',
        'dinov3-vitb16',
        'facebook/dinov2-small',
        'facebook/dinov2-with-registers-base',
        'facebook/dinov3-vits16-pretrain-lvd1689m',
      ]),
    );
    expect(findModel('dinov2-vits14')).toMatchObject({
      repo: 'Xenova/dinov2-small',
      layout: 'hub-onnx',
      family: 'dinov2',
      patchSize: 14,
      registers: 0,
      dim: 384,
      heads: 6,
    });
    expect(findModel('dinov2-reg-vitb14')).toMatchObject({
      repo: 'onnx-community/dinov2-with-registers-base',
      family: 'dinov2',
      patchSize: 14,
      registers: 4,
      dim: 768,
    });
    expect(findModel('dinov3-vits16')).toMatchObject({ repo: REPO, family: 'dinov3', patchSize: 16, registers: 4, gated: { licence: 'the DINOv3 License' } });
    expect(findModel('facebook/dinov3-vitb16-pretrain-lvd1689m')).toMatchObject({
      layout: 'safetensors',
      files: ['model.safetensors', 'config.json'],
      gated: expect.anything(),
    });
    expect(findModel('dinov2-vits14')!.gated).toBeUndefined();
  });
});

describe('pulling a gated model (DINOv3)', () => {
  it('without a token: one line explaining the licence and HF_TOKEN, nothing written', async () => {
    delete process.env.HF_TOKEN;
    const cacheDir = await tmp();
    const hub = fakeHub({ repos, gated });
    const e = await refusal(pullModel('dinov3-vits16', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL }));
    expect(e.code).toBe('MODEL_NOT_FOUND');
    expect(e.message).toBe(
      `dinov3-vits16: ${FAKE_HUB_URL}/${REPO} refused the download (HTTP 401): the model is gated behind the DINOv3 License; accept it at ${FAKE_HUB_URL}/${REPO}, then set HF_TOKEN to an access token of that account`,
    );
    expect(hub.authorizations.every((a) => a === null)).toBe(true);
  });

  it('with a token the account cannot use: says the token was refused', async () => {
    const hub = fakeHub({ repos, gated });
    const e = await refusal(pullModel('dinov3-vits16', { cacheDir: await tmp(), fetch: hub.fetch, hubUrl: FAKE_HUB_URL, accessToken: 'hf_other' }));
    expect(e.message).toMatch(/^dinov3-vits16: .* refused the download \(HTTP 403\) with the token in HF_TOKEN: the model is gated behind the DINOv3 License/);
    expect(e.message).not.toContain('\n');
  });

  it('reads HF_TOKEN and sends it as a bearer token', async () => {
    process.env.HF_TOKEN = 'hf_good';
    const cacheDir = await tmp();
    const hub = fakeHub({ repos, gated });
    const res = await pullModel('dinov3-vits16', { cacheDir, fetch: hub.fetch, hubUrl: FAKE_HUB_URL });
    expect(res.downloaded).toBe(2);
    expect(new Uint8Array(await readFile(join(res.dir, 'onnx/model.onnx')))).toEqual(onnx);
    expect(hub.authorizations.length).toBeGreaterThan(0);
    expect(hub.authorizations.every((a) => a === 'Bearer hf_good')).toBe(true);
  });
});
