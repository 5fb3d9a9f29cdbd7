import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAcsegError } from '@acseg/core';
import { checkpointFolderContents } from './folder.js';
import { saveCheckpoint } from './checkpoint.js';
import { makeConfig } from '../model/config.js';
import { initParams } from '../model/init.js';

const root = mkdtempSync(join(tmpdir(), 'acg-ckpt-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function checkpointIn(dir: string, withOptimizer: boolean): Promise<void> {
  const config = makeConfig(8, { k: 2, steps: 1, heads: 2 });
  const params = initParams(config, 1);
  const zeros = Object.fromEntries(Object.entries(params).map(([name, p]) => [name, new Float32Array(p.length)]));
  await saveCheckpoint(dir, { config, seed: 1, params, optimizer: withOptimizer ? { step: 1, m: zeros, v: zeros } : undefined });
}

describe('checkpointFolderContents', () => {
  it('counts every file saveCheckpoint and a multi-run write as the checkpoint, and nothing else', async () => {
    const dir = join(root, 'multi');
    await checkpointIn(join(dir, 'restart-0'), true);
    await checkpointIn(join(dir, 'restart-1'), false);
    await checkpointIn(dir, true);
    writeFileSync(join(dir, 'restarts.json'), '{}');
    // Temp files of a killed writer: write-file-atomic's and restarts' promote().
    writeFileSync(join(dir, 'weights.safetensors.3141592653'), '');
    writeFileSync(join(dir, '.optimizer.safetensors.4242.tmp'), '');
    const written = [
      ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name)),
      ...['restart-0', 'restart-1'].flatMap((r) => readdirSync(join(dir, r)).map((f) => `${r}/${f}`)),
    ].sort((a, b) => a.localeCompare(b));
    const c = await checkpointFolderContents(dir);
    expect(c.foreign).toEqual([]);
    expect([...c.own].sort((a, b) => a.localeCompare(b))).toEqual(written);
    expect(c.own).toContain('restart-1/config.json');
  });

  it("names what is not a checkpoint: other files, other folders, restarts.json inside a restart, another tool's config.json", async () => {
    const dir = join(root, 'mixed');
    await checkpointIn(dir, false);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    mkdirSync(join(dir, 'images'));
    mkdirSync(join(dir, 'restart-0'));
    writeFileSync(join(dir, 'restart-0', 'restarts.json'), '{}');
    writeFileSync(join(dir, 'model.safetensors'), '');
    const hf = join(root, 'hf-model');
    mkdirSync(hf);
    writeFileSync(join(hf, 'config.json'), JSON.stringify({ model_type: 'vit' }));
    const c = await checkpointFolderContents(dir);
    expect(c.foreign.sort()).toEqual(['images/', 'model.safetensors', 'notes.txt', 'restart-0/restarts.json']);
    expect(c.own).toEqual(expect.arrayContaining(['config.json', 'weights.safetensors', 'restart-0/']));
    expect(await checkpointFolderContents(hf)).toEqual({ own: [], foreign: ['config.json'] });
  });
});

describe('saveCheckpoint: a write that fails', () => {
  it('names the file in an AcsegError; config.json (the mark of a whole checkpoint) is not written', async () => {
    const dir = join(root, 'blocked');
    // A folder where the optimizer's file goes: the rename into place fails, as a full disk's write would.
    mkdirSync(join(dir, 'optimizer.safetensors'), { recursive: true });
    writeFileSync(join(dir, 'optimizer.safetensors', 'x'), '');
    const error = await checkpointIn(dir, true).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAcsegError(error)).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`^${join(dir, 'optimizer.safetensors').replace(/[.\\]/g, '\\$&')}: cannot write the checkpoint \\(`));
    expect(readdirSync(dir).sort()).toEqual(['optimizer.safetensors', 'weights.safetensors']);
  });
});
