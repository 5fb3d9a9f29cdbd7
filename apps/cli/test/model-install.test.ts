import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const hubFixture = join(repoRoot, 'packages/backbone-dino/src/testing/fixtures/tiny-hub/onnx/model.onnx');
const samples = join(repoRoot, 'samples');

/** A model cache holding dino-vits16 as `files` (relative path → source file, or text). */
function cacheWith(files: Record<string, string>): string {
  const cache = tempDir();
  const dir = join(cache, 'models', 'dino-vits16', 'main');
  for (const [rel, src] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    if (src.startsWith('{')) writeFileSync(join(dir, rel), src);
    else copyFileSync(src, join(dir, rel));
  }
  return cache;
}

describe('the default DINO model installed without config.json', () => {
  it('models list says it is usable, and features uses it (the graph says what is needed)', () => {
    const cache = cacheWith({ 'onnx/model.onnx': hubFixture });
    const list = acseg(['models', 'list', '--cache-dir', cache]);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/dino-vits16@main\s+hub-onnx .* usable \(missing config\.json, not needed to run\)/);
    const out = join(tempDir(), 'features');
    const r = acseg(['features', '--images', samples, '--out', out, '--cache-dir', cache]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('backbone: dino (dino-vits16, onnxruntime');
    expect(r.stderr).not.toContain('handcrafted');
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    expect(index.info).toMatchObject({ model: 'dino-vits16', inputSize: 48, dim: 48, heads: 3 });
    expect(index.images).toHaveLength(5);
  });

  it('a folder holding config.json but no ONNX file stops with the reason instead of falling back', () => {
    const cache = cacheWith({ 'config.json': '{"patch_size":16}' });
    const r = acseg(['features', '--images', samples, '--out', join(tempDir(), 'features'), '--cache-dir', cache]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `acseg: error: model dino-vits16 in the cache is incomplete: ${join(cache, 'models', 'dino-vits16', 'main')} lacks onnx/model.onnx`,
    );
    expect(r.stderr).toContain('hint: run `acseg models pull dino-vits16 --force`');
    expect(r.stderr).not.toContain('handcrafted');
  });
});
