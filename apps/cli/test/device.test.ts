import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cudaProviderInstalled } from '@acseg/onnx-runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const samples = join(repoRoot, 'samples');
const tinyDino = join(repoRoot, 'packages/backbone-dino/src/testing/fixtures/tiny-hub');
const runDino = (out: string, ...extra: string[]) =>
  acseg(['run', '--images', samples, '--out', out, '--backbone', 'dino', '--model', tinyDino, '--generator', 'agglomerative', '--k', '3', '--quiet', ...extra]);
const onnxLines = (stderr: string) => stderr.split('\n').filter((l) => /onnxruntime/.test(l));

describe('acseg --device', () => {
  it('cpu: the run goes to the CPU, and one line names the provider', () => {
    const out = join(tempDir(), 'out');
    const r = runDino(out, '--device', 'cpu');
    expect(r.status, r.stderr).toBe(0);
    expect(onnxLines(r.stderr)).toEqual([`backbone-dino: onnxruntime cpu (${join(tinyDino, 'onnx', 'model.onnx')})`]);
    expect(existsSync(join(out, 'street.json'))).toBe(true);
  });

  it.skipIf(cudaProviderInstalled())('cuda where it cannot load: one error naming the model, exit 2, nothing written', () => {
    const out = join(tempDir(), 'out');
    const r = runDino(out, '--device', 'cuda');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /device "cuda" asked for \(.*tiny-hub.*\), but the CUDA execution provider cannot load: onnxruntime-node has no CUDA provider library installed/,
    );
    expect(r.stderr).toMatch(/hint: use --device auto or cpu/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.json')) : []).toEqual([]);
  });

  it("dino's provider option overrides the run's device for the backbone", () => {
    const r = runDino(join(tempDir(), 'out'), '--device', 'cuda', '--set', 'dino.provider=cpu');
    expect(r.status, r.stderr).toBe(0);
    expect(onnxLines(r.stderr)).toHaveLength(1);
    expect(onnxLines(r.stderr)[0]).toMatch(/^backbone-dino: onnxruntime cpu/);
  });

  it('a device that is not one of auto, cpu, cuda is a usage error', () => {
    const r = acseg(['plugins', 'list', '--device', 'gpu']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/device/);
    expect(r.stderr).toMatch(/"auto", "cpu", "cuda"/);
  });
});
