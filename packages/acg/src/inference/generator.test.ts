import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  arrayFeatureSource,
  ComponentRegistry,
  isAcsegError,
  PLUGIN_API_VERSION,
  silentLogger,
  type FeatureMap,
  type GeneratorSpec,
  registerPlugin,
} from '@acseg/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin, { AcgGenerator, loadCheckpoint } from '../index.js';
import { tinyFeatures } from '../testing/tiny.js';

const TINY = { k: 3, steps: 2, heads: 2, seed: 5 };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acg-gen-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectCode(p: Promise<unknown>, code: string, text?: RegExp) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isAcsegError(e), `expected an AcsegError, got ${String(e)}`).toBe(true);
  expect((e as { code: string }).code).toBe(code);
  if (text) expect((e as Error).message).toMatch(text);
}

describe('AcgGenerator', () => {
  it('is not ready until fitted or loaded, and says so', async () => {
    const g = new AcgGenerator(TINY);
    expect(g.ready).toBe(false);
    await expectCode(g.generate(tinyFeatures(1)), 'NOT_IMPLEMENTED', /trained or loaded/);
  });

  it('returns an n × k assignment and k × d concepts per image, in input order, across patch grids', async () => {
    const g = new AcgGenerator(TINY);
    await g.initialize(8);
    const feats = [...tinyFeatures(2), ...tinyFeatures(1, 9, 8, { h: 2, w: 4 })];
    const out = await g.generate(feats);
    expect(out.map((o) => o.id)).toEqual(feats.map((f) => f.id));
    expect(out[0].assignment.length).toBe(9 * 3);
    expect(out[2].assignment.length).toBe(8 * 3);
    expect(out[0].concepts!.length).toBe(3 * 8);
    expect(out[0].k).toBe(3);
    // Batching does not change the result.
    const alone = await g.generate([feats[1]]);
    for (let i = 0; i < alone[0].assignment.length; i++) expect(alone[0].assignment[i]).toBeCloseTo(out[1].assignment[i], 5);
    await g.dispose();
  });

  it('refuses NaN, all-zero and wrong-dimension features with the image named', async () => {
    const g = new AcgGenerator(TINY);
    await g.initialize(8);
    const [f] = tinyFeatures(1);
    const nan: FeatureMap = { ...f, id: 'nan.png', tokens: f.tokens.slice() };
    nan.tokens[3] = NaN;
    await expectCode(g.generate([nan]), 'NUMERIC', /nan\.png.*non-finite/);
    const zero: FeatureMap = { ...f, id: 'zero.png', tokens: f.tokens.slice() };
    zero.tokens.fill(0, 8, 16);
    await expectCode(g.generate([zero]), 'NUMERIC', /zero\.png.*all-zero/);
    const wide = tinyFeatures(1, 1, 16)[0];
    await expectCode(g.generate([{ ...wide, id: 'wide.png' }]), 'BAD_CHECKPOINT', /wide\.png.*d = 16.*expects d = 8/);
    const empty: FeatureMap = { ...f, id: 'empty.png', grid: { h: 0, w: 3 }, tokens: new Float32Array(0) };
    await expectCode(g.generate([empty]), 'BAD_INPUT', /no patches/);
    await g.dispose();
  });

  it('saves and loads a checkpoint that reproduces the outputs exactly', async () => {
    const g = new AcgGenerator({ ...TINY, ffn: 'gelu' });
    await g.initialize(8);
    const ck = join(dir, 'roundtrip');
    await g.save(ck);
    const h = new AcgGenerator({});
    await h.load(join(ck, 'weights.safetensors'));
    expect(h.config).toEqual(g.config);
    const feats = tinyFeatures(2);
    const [a, b] = [await g.generate(feats), await h.generate(feats)];
    expect(Array.from(b[1].assignment)).toEqual(Array.from(a[1].assignment));
    const json = JSON.parse(await readFile(join(ck, 'config.json'), 'utf8')) as { format: string; config: { ffn: string } };
    expect(json.format).toBe('acseg-acg');
    expect(json.config.ffn).toBe('gelu');
  });

  it('a loaded checkpoint runs on ONNX from its stored weights, and as a TF.js model (saved again, on runtime tfjs) gives the same', async () => {
    const g = new AcgGenerator(TINY);
    await g.initialize(8);
    const ck = join(dir, 'lazy');
    await g.save(ck);
    const feats = tinyFeatures(3);
    const onnx = new AcgGenerator({ runtime: 'onnx' });
    await onnx.load(ck);
    expect(onnx.ready).toBe(true);
    expect(onnx.config).toEqual(g.config);
    // Not in TF.js yet: the trainer's accessor says so rather than handing out nothing.
    expect(() => onnx.requireModel('x')).toThrow(/not in TF\.js yet/);
    const fromStored = await onnx.generate(feats);
    const again = join(dir, 'lazy-again');
    await onnx.save(again);
    for (const f of ['weights.safetensors']) expect((await readFile(join(again, f))).equals(await readFile(join(ck, f))), f).toBe(true);
    expect(onnx.requireModel('x').config).toEqual(g.config);
    // A new session from the TF.js model's weights: the same numbers, bit for bit, as from the stored ones.
    onnx.weightsChanged();
    const tf = new AcgGenerator({ runtime: 'tfjs' });
    await tf.load(ck);
    const fromTf = await tf.generate(feats);
    const expected = await g.generate(feats);
    for (let i = 0; i < feats.length; i++) {
      expect(Array.from(fromStored[i].concepts!)).toEqual(Array.from((await onnx.generate([feats[i]]))[0].concepts!));
      for (const got of [fromStored[i], fromTf[i]]) {
        expect(got.concepts!.length).toBe(expected[i].concepts!.length);
        for (let j = 0; j < got.concepts!.length; j++) expect(got.concepts![j]).toBeCloseTo(expected[i].concepts![j], 5);
      }
    }
    await Promise.all([g.dispose(), onnx.dispose(), tf.dispose()]);
  });

  it('refuses truncated, foreign and mismatched checkpoints with BAD_CHECKPOINT', async () => {
    const g = new AcgGenerator(TINY);
    await g.initialize(8);
    const ck = join(dir, 'broken');
    await g.save(ck);
    const cfgText = await readFile(join(ck, 'config.json'), 'utf8');
    await truncate(join(ck, 'weights.safetensors'), 500);
    await expectCode(new AcgGenerator().load(ck), 'BAD_CHECKPOINT', /weights\.safetensors/);

    await g.save(ck);
    await writeFile(join(ck, 'config.json'), cfgText.replace('"steps": 2', '"steps": 3'));
    await expectCode(new AcgGenerator().load(ck), 'BAD_CHECKPOINT', /has no tensor "layers\.2/);
    await writeFile(join(ck, 'config.json'), cfgText.replace('"k": 3', '"k": 4'));
    await expectCode(new AcgGenerator().load(ck), 'BAD_CHECKPOINT', /"prototypes" has shape \[3,8\].*\[4,8\]/);
    await writeFile(join(ck, 'config.json'), '{"format": "something-else"}');
    await expectCode(new AcgGenerator().load(ck), 'BAD_CHECKPOINT', /not an ACG checkpoint/);
    await writeFile(join(ck, 'config.json'), cfgText.slice(0, 40));
    await expectCode(new AcgGenerator().load(ck), 'BAD_CHECKPOINT', /not valid JSON/);
    await expectCode(new AcgGenerator().load(join(dir, 'nowhere')), 'BAD_CHECKPOINT', /not found/);
  });
});

describe('plugin manifest', () => {
  it('registers the "acg" generator with its options, loading a checkpoint when given one', async () => {
    expect(plugin.name).toBe('@acseg/acg');
    expect(plugin.apiVersion).toBe(PLUGIN_API_VERSION);
    const registry = new ComponentRegistry();
    await registerPlugin(registry, plugin, 'test');
    const ctx = { log: silentLogger, progress: { start: () => ({ update() {}, stop() {} }) }, cacheDir: dir, verbose: false };
    const create = (o: Record<string, unknown>) => (registry.get('generator', 'acg').spec as GeneratorSpec).create(o, ctx);
    const fresh = await create({ k: '4', batchSize: 8 });
    expect(fresh.ready).toBe(false);
    expect((fresh as AcgGenerator).options).toMatchObject({
      k: 4,
      steps: 6,
      heads: 6,
      ffn: 'relu',
      seed: 0,
      iterations: 2500,
      batchSize: 8,
      lr: 1e-4,
      weightDecay: 0.01,
      checkpointEvery: 500,
    });
    const g = new AcgGenerator(TINY);
    await g.initialize(8);
    await g.save(join(dir, 'plugin'));
    const loaded = await create({ checkpoint: join(dir, 'plugin') });
    expect(loaded.ready).toBe(true);
    await expectCode(
      Promise.resolve().then(() => create({ k: 0 })),
      'BAD_CONFIG',
      /k must be a positive integer/,
    );
  });
});

describe('training', () => {
  const feats = tinyFeatures(12, 3);
  const source = arrayFeatureSource(feats);
  const opts = { ...TINY, batchSize: 4, lr: 3e-3, checkpointEvery: 2 };

  it('lowers the modularity loss and reports progress values', async () => {
    const g = new AcgGenerator({ ...opts, iterations: 30 });
    const updates: Array<Record<string, string | number> | undefined> = [];
    const progress = { start: () => ({ update: (_: number, v?: Record<string, string | number>) => updates.push(v), stop() {} }) };
    await g.initialize(8);
    const before = await lossOf(g, feats);
    const report = await g.fit(source, { progress, log: silentLogger });
    expect(report.iterations).toBe(30);
    expect(await lossOf(g, feats)).toBeLessThan(before - 0.01);
    expect(Object.keys(updates.at(-1)!)).toEqual(['loss', 'it/s', 'eta']);
  });

  it('resuming from a checkpoint continues exactly where a straight run would be', async () => {
    const straight = new AcgGenerator({ ...opts, iterations: 4 });
    await straight.fit(source, { checkpointDir: join(dir, 'straight') });
    const first = new AcgGenerator({ ...opts, iterations: 2 });
    await first.fit(source, { checkpointDir: join(dir, 'resumed') });
    const second = new AcgGenerator({ ...opts, iterations: 4 });
    const report = await second.fit(source, { checkpointDir: join(dir, 'resumed'), resume: true });
    expect(report.iterations).toBe(4);
    const a = await loadCheckpoint(join(dir, 'straight'), true);
    const b = await loadCheckpoint(join(dir, 'resumed'), true);
    expect(b.training?.iteration).toBe(4);
    expect(b.optimizer?.step).toBe(4);
    for (const name of Object.keys(a.params)) expect(Array.from(b.params[name])).toEqual(Array.from(a.params[name]));
  });

  it('an aborted signal writes a checkpoint and returns', async () => {
    const ac = new AbortController();
    const g = new AcgGenerator({ ...opts, iterations: 1000, checkpointEvery: 1000 });
    let seen = 0;
    const progress = {
      start: () => ({
        update: (done: number) => {
          seen = done;
          if (done === 3) ac.abort();
        },
        stop() {},
      }),
    };
    const report = await g.fit(source, { signal: ac.signal, progress, checkpointDir: join(dir, 'aborted') });
    expect(report.interrupted).toBe(true);
    expect(report.iterations).toBe(3);
    expect(seen).toBe(3);
    expect((await loadCheckpoint(join(dir, 'aborted'), true)).training?.iteration).toBe(3);
  });

  it('a non-finite loss stops with NUMERIC and keeps the last good checkpoint', async () => {
    const ck = join(dir, 'numeric');
    const g = new AcgGenerator({ ...opts, iterations: 2 });
    await g.fit(source, { checkpointDir: ck });
    const good = await loadCheckpoint(ck);
    // An absurd learning rate blows the weights up until float32 overflows (Inf − Inf in LayerNorm).
    const h = new AcgGenerator({ ...opts, lr: 1e30, iterations: 12, checkpointEvery: 100 });
    await expectCode(h.fit(source, { checkpointDir: ck, resume: true }), 'NUMERIC', /non-finite.*iteration [3-9]/);
    const after = await loadCheckpoint(ck);
    expect(after.training?.iteration).toBe(2);
    expect(Array.from(after.params.prototypes)).toEqual(Array.from(good.params.prototypes));
  });

  it('refuses to resume from a checkpoint of another feature dimension', async () => {
    const wide = arrayFeatureSource(tinyFeatures(4, 1, 16));
    await expectCode(new AcgGenerator({ ...opts, iterations: 3 }).fit(wide, { resume: join(dir, 'straight') }), 'BAD_CHECKPOINT', /d = 8.*d = 16/);
  });
});

async function lossOf(g: AcgGenerator, feats: FeatureMap[]): Promise<number> {
  return g.requireModel('loss').loss(
    feats.map((f) => f.tokens),
    9,
  );
}
