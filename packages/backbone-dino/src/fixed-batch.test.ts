import { silentLogger, type RgbImage } from '@acseg/core';
import { onnx } from '@acseg/onnx-graph';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DinoBackbone } from './backbone.js';
import { loadVitModel } from './load-model.js';
import { VitSession } from './onnx/session.js';
import { HUB_FIXTURE, loadReference, maxAbsDiff } from './testing/reference.js';
import { lcgBytes } from './testing/tiny-vit.js';

const ref = loadReference();
const pm = ref.preprocess_model;
const d = 48;
const refImage = (id: string): RgbImage => ({ width: 45, height: 70, data: lcgBytes(ref.preprocess.seed, 45 * 70 * 3), id });
const dir = mkdtempSync(join(tmpdir(), 'dino-fixed-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The Hub fixture re-exported with its batch dimension fixed at `batch` (as some valid ViT exports are), saved as `name`. */
function fixedBatchExport(name: string, batch: number): string {
  const m = onnx.ModelProto.decode(readFileSync(join(HUB_FIXTURE, 'onnx', 'model.onnx')));
  m.graph!.input![0].type!.tensorType!.shape!.dim![0] = { dimValue: batch };
  const file = join(dir, 'models', name);
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(file, onnx.ModelProto.encode(m).finish());
  return file;
}

describe('a ViT export whose batch dimension is fixed', () => {
  it('runs one image at a time, matches the PyTorch reference, and is called by its file name', async () => {
    const file = fixedBatchExport('vit-fixed1.onnx', 1);
    const lines: string[] = [];
    const b = await DinoBackbone.load({ model: file, batchSize: 3, log: { ...silentLogger, info: (m) => lines.push(m) } });
    try {
      expect(b.info.model).toBe('vit-fixed1');
      expect(lines).toContain(`backbone-dino: ${file} takes batches of exactly 1; batchSize 3 is not used`);
      const images = ['a', 'b', 'c', 'd', 'e'].map(refImage);
      const out = [];
      for await (const r of b.extract(images)) out.push(r);
      expect(out).toHaveLength(5);
      for (const r of out) {
        if (!r.ok) throw r.error;
        expect(maxAbsDiff(r.features.tokens, pm.last_hidden_state.slice(d))).toBeLessThan(1e-4);
        expect(maxAbsDiff(r.features.cls!, pm.last_hidden_state.slice(0, d))).toBeLessThan(1e-4);
      }
      expect(out.map((r) => (r.ok ? r.features.id : ''))).toEqual(['a', 'b', 'c', 'd', 'e']);
    } finally {
      await b.dispose();
    }
  });

  it('a fixed batch above 1 gets its last, short batch padded', async () => {
    const b = await DinoBackbone.load({ model: fixedBatchExport('vit-fixed2.onnx', 2) });
    try {
      // Said to the pipeline, which keeps the batches it cuts multiples of it.
      expect(b.fixedBatch).toBe(2);
      const out = [];
      for await (const r of b.extract(['x', 'y', 'z'].map(refImage))) out.push(r);
      expect(out).toHaveLength(3);
      for (const r of out) {
        if (!r.ok) throw r.error;
        expect(maxAbsDiff(r.features.tokens, pm.last_hidden_state.slice(d))).toBeLessThan(1e-4);
      }
    } finally {
      await b.dispose();
    }
  });
});

describe('onnxruntime errors', () => {
  it("keep onnxruntime's whole message (the expected shape follows its first line)", async () => {
    const model = await loadVitModel(HUB_FIXTURE);
    const session = await VitSession.create(model, 'cpu', silentLogger);
    try {
      // The fixture takes 48×48 inputs; 64×64 makes onnxruntime list the index, what it got and what it expects.
      const e = await session.run(new Float32Array(3 * 64 * 64), 1, 64).then(
        () => null,
        (err: unknown) => err as Error,
      );
      expect(e?.message).toMatch(/inference failed: Got invalid dimensions for input: pixel_values for the following indices/);
      expect(e?.message).toMatch(/index: 2 Got: 64 Expected: 48/);
      expect(e?.message).not.toContain('\n');
    } finally {
      await session.dispose();
    }
  });
});

describe('a session', () => {
  it("keeps the model's description, not its bytes (onnxruntime holds the weights; a copy would last the whole run)", async () => {
    const model = await loadVitModel(HUB_FIXTURE);
    expect(model.bytes.length).toBeGreaterThan(0);
    const session = await VitSession.create(model, 'cpu', silentLogger);
    try {
      expect('bytes' in session.model).toBe(false);
      expect(session.model).toMatchObject({ inputName: model.inputName, tokensOutput: model.tokensOutput, patchSize: model.patchSize, file: model.file });
      const out = await session.run(new Float32Array(3 * 48 * 48), 1, 48);
      expect(out.tokens).toBeGreaterThan(1);
    } finally {
      await session.dispose();
    }
  });
});
