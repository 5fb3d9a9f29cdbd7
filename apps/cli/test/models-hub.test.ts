import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveFakeHub, sha256Hex } from '../../../packages/model-hub/src/testing/index.js';
import { acseg, cliBin, removeTempDirs, repoRoot, tempDir, writeFiles, type CliResult } from './helpers.js';

afterAll(removeTempDirs);

// A third-party plugin in the declarative shape, declaring one model and no component that uses it.
const PLUGIN = `export default {
  name: 'acseg-plugin-acme', version: '0.3.0', apiVersion: 1,
  models: { 'acme-seg': { description: 'ACME segmenter weights', repo: 'acme/seg-small', files: ['weights.bin', 'vocab.json'] } },
};
`;
const weights = new Uint8Array(3000).map((_, i) => (i * 53 + 7) % 251);
const vocab = new TextEncoder().encode('{"tokens":["a"]}');

/** The built binary, run without blocking this process (the fake Hub it downloads from is served here). */
function acsegAsync(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cliBin, ...args], { cwd: repoRoot, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

describe('acseg models over the loaded plugins’ declared models', () => {
  it('lists a third-party plugin’s model beside the built-ins (CLIP from its own plugin) and pulls it from the Hub', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'acme.mjs': PLUGIN });
    const cache = tempDir();
    const list = acseg(['models', 'list', '--cache-dir', cache, '--plugin', join(dir, 'acme.mjs')]);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toContain(`no models cached in ${cache}`);
    expect(list.stdout).toMatch(/^ {2}acme-seg +acseg-plugin-acme +ACME segmenter weights$/m);
    expect(list.stdout).toMatch(/^ {2}clip-vit-base-patch16 +@acseg\/classifier-clip +CLIP ViT-B\/16/m);
    expect(list.stdout).toMatch(/^ {2}dino-vits16 +@acseg\/backbone-dino /m);

    const hub = await serveFakeHub({ repos: { 'acme/seg-small': { 'weights.bin': { content: weights, lfs: true }, 'vocab.json': { content: vocab } } } });
    try {
      const pull = await acsegAsync(['models', 'pull', 'acme-seg', '--cache-dir', cache, '--plugin', join(dir, 'acme.mjs'), '--quiet'], {
        HF_ENDPOINT: hub.url,
        HF_TOKEN: '',
      });
      const folder = join(cache, 'models', 'acme-seg', 'main');
      expect(pull.status, pull.stderr).toBe(0);
      expect(pull.stdout).toBe(`acme-seg: 2 files in ${folder}\n`);
      expect(sha256Hex(readFileSync(join(folder, 'weights.bin')))).toBe(sha256Hex(weights));
      expect(hub.requests).toContain('GET /acme/seg-small/resolve/main/vocab.json');
    } finally {
      await hub.close();
    }
    const after = acseg(['models', 'list', '--cache-dir', cache, '--plugin', join(dir, 'acme.mjs')]);
    expect(after.stdout).toMatch(/^acme-seg@main +files .* usable {2}/m);
    expect(after.stdout).not.toMatch(/^ {2}acme-seg /m);
    // Without the plugin the model is unknown to the hub: pull names the declared models.
    const unknown = acseg(['models', 'pull', 'acme-seg', '--cache-dir', tempDir()]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown model "acme-seg"\. Known models: dino-vits16, /);
  }, 120_000);

  it('a plugin declaring a malformed model is refused naming the plugin and the model', () => {
    const dir = tempDir();
    writeFiles(dir, { 'bad.mjs': PLUGIN.replace("repo: 'acme/seg-small'", "repo: 'seg'") });
    const r = acseg(['models', 'list', '--cache-dir', tempDir(), '--plugin', join(dir, 'bad.mjs')]);
    // A plugin that is not well formed is a usage error (exit 2), as for its components.
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('plugin acseg-plugin-acme declares model "acme-seg" with a missing or wrong repo (owner/name)');
  });
});
