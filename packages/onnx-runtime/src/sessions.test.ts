import { silentLogger, type Logger, type SessionFactory } from '@acseg/core';
import { expectAcsegError, removeTempDirs, tempDir } from '@acseg/core/testing';
import { GraphBuilder } from '@acseg/onnx-graph';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { providerOrder } from './providers.js';
import { OnnxSessions, onnxSessions } from './sessions.js';

afterAll(removeTempDirs);

/** y = LeakyRelu(x · W, 0.5), W = [[1, -1], [2, 0]]: a graph small enough to work by hand. */
function tinyGraph(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('x', 'float', ['batch', 2]);
  g.op('LeakyRelu', [g.op('MatMul', [x, g.constant('W', [2, 2], Float32Array.from([1, -1, 2, 0]))])], { alpha: 0.5 }, 'y');
  g.output('y', 'float', ['batch', 2]);
  return g.encode({ name: 'tiny', producer: 'test' });
}

function collect(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, log: { ...silentLogger, info: (m) => lines.push(m) } };
}

describe('providerOrder: the device choice as execution providers', () => {
  it('cpu → cpu; auto → cuda then cpu only where the CUDA library is installed; cuda → cuda', () => {
    expect(providerOrder('cpu', true)).toEqual(['cpu']);
    expect(providerOrder('cpu', false)).toEqual(['cpu']);
    expect(providerOrder('auto', false)).toEqual(['cpu']);
    expect(providerOrder('auto', true)).toEqual(['cuda', 'cpu']);
    expect(providerOrder('cuda', true)).toEqual(['cuda']);
  });

  it('cuda asked for without its library is an AcsegError naming the file', async () => {
    const err = await expectAcsegError(async () => providerOrder('cuda', false, 'vit.onnx'));
    expect(err.code).toBe('BAD_CONFIG');
    expect(err.message).toBe(
      'device "cuda" asked for (vit.onnx), but the CUDA execution provider cannot load: onnxruntime-node has no CUDA provider library installed',
    );
    expect(err.hint).toMatch(/--device auto or cpu/);
  });
});

describe('OnnxSessions', () => {
  it('runs a tiny graph built with @acseg/onnx-graph on the CPU, numbers worked by hand', async () => {
    const { log, lines } = collect();
    const sessions = new OnnxSessions({ device: 'cpu', log });
    const s = await sessions.create(tinyGraph(), { owner: 'test', threads: 1 });
    expect(s.provider).toBe('cpu');
    expect(s.inputNames).toEqual(['x']);
    expect(s.outputNames).toEqual(['y']);
    const out = await s.run({ x: new s.ort.Tensor('float32', Float32Array.from([1, 2, -1, 0]), [2, 2]) });
    // [1, 2]·W = [5, -1] → [5, -0.5]; [-1, 0]·W = [-1, 1] → [-0.5, 1]
    expect(Array.from(out.y.data as Float32Array)).toEqual([5, -0.5, -0.5, 1]);
    expect(lines).toEqual(['test: onnxruntime cpu']);
    await s.dispose();
  });

  it('auto without CUDA: the CPU, and one log line for any number of sessions', async () => {
    const { log, lines } = collect();
    const sessions = new OnnxSessions({ log, cudaInstalled: () => false });
    expect(sessions.device).toBe('auto');
    const a = await sessions.create(tinyGraph(), { owner: 'backbone-dino' });
    const b = await sessions.create(tinyGraph(), { owner: 'classifier-clip' });
    expect([a.provider, b.provider]).toEqual(['cpu', 'cpu']);
    expect(lines).toEqual(['backbone-dino: onnxruntime cpu — CUDA unavailable (onnxruntime-node has no CUDA provider library installed)']);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('cuda asked for and not loadable: an AcsegError before any session', async () => {
    const sessions = new OnnxSessions({ device: 'cuda', cudaInstalled: () => false });
    const err = await expectAcsegError(sessions.create(tinyGraph(), { file: 'tiny.onnx' }));
    expect(err.code).toBe('BAD_CONFIG');
    expect(err.message).toMatch(/^device "cuda" asked for \(tiny\.onnx\), but the CUDA execution provider cannot load/);
    // A per-session device overrides the run's: a small graph kept on the CPU still loads.
    const s = await sessions.create(tinyGraph(), { device: 'cpu', quiet: true });
    expect(s.provider).toBe('cpu');
    await s.dispose();
  });

  it('dispose twice is fine (one release); quiet sessions log nothing', async () => {
    const { log, lines } = collect();
    const s = await new OnnxSessions({ device: 'cpu', log }).create(tinyGraph(), { quiet: true });
    await s.dispose();
    await expect(s.dispose()).resolves.toBeUndefined();
    await expect(Promise.all([s.dispose(), s.dispose()])).resolves.toHaveLength(2);
    expect(lines).toEqual([]);
  });

  it('loads from a path, naming it in the line; a file that is not a model is an AcsegError naming it', async () => {
    const dir = tempDir('onnx-runtime-');
    const good = join(dir, 'tiny.onnx');
    const bad = join(dir, 'junk.onnx');
    writeFileSync(good, tinyGraph());
    writeFileSync(bad, 'not a model');
    const { log, lines } = collect();
    const sessions = new OnnxSessions({ device: 'cpu', log });
    const s = await sessions.create(good);
    expect(lines).toEqual([`onnxruntime cpu (${good})`]);
    await s.dispose();
    const err = await expectAcsegError(sessions.create(bad));
    expect(err.code).toBe('BAD_MODEL');
    expect(err.file).toBe(bad);
    expect(err.message).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: onnxruntime cannot load the model: `));
  });

  it("onnxSessions: the run's factory when it is an onnxruntime one, else a new one on the run's device", () => {
    const run = new OnnxSessions({ device: 'cpu' });
    expect(onnxSessions(run)).toBe(run);
    const foreign: SessionFactory = { device: 'cuda', create: async () => ({ provider: 'x', dispose: async () => {} }) };
    const made = onnxSessions(foreign, { device: 'cpu' });
    expect(made).toBeInstanceOf(OnnxSessions);
    expect(made.device).toBe('cuda');
    expect(onnxSessions(undefined, { device: 'cpu' }).device).toBe('cpu');
    expect(onnxSessions(undefined).device).toBe('auto');
  });
});
