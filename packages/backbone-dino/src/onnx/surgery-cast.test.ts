import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attrInt, onnx } from '@acseg/onnx-graph';
import { maxAbsDiff } from '../testing/reference.js';
import { loadV2Reference, v2Dir, v2Input } from '../testing/v2v3.js';
import { describeVitModel } from './describe.js';
import { findLastAttentionSoftmax } from './surgery.js';

/**
 * transformers' eager attention computes the softmax in float32 and casts back
 * (`softmax(..., dtype=float32).to(query.dtype)`): an fp16 export keeps a Cast
 * between the Softmax and attention · V. The surgery must see through it.
 */
describe('attention surgery through a Cast between Softmax and MatMul', () => {
  it('finds the last Softmax and the exposed output still matches the PyTorch attention', async () => {
    const file = join(v2Dir('dinov3'), 'hub', 'onnx', 'model.onnx');
    const m = onnx.ModelProto.decode(readFileSync(file));
    const nodes = m.graph!.node!;
    const softmaxes = nodes.filter((n) => n.opType === 'Softmax');
    expect(softmaxes.length).toBe(2); // one per block of the tiny model
    for (const s of softmaxes) {
      const out = s.output![0];
      const cast = `${out}_cast`;
      for (const n of nodes) n.input = n.input!.map((i) => (i === out ? cast : i));
      nodes.splice(nodes.indexOf(s) + 1, 0, { opType: 'Cast', input: [out], output: [cast], name: `Cast_${out}`, attribute: [attrInt('to', 1)] });
    }
    const bytes = onnx.ModelProto.encode(m).finish();
    expect(findLastAttentionSoftmax(onnx.ModelProto.decode(bytes))).toBe(softmaxes[1].output![0]);
    const d = describeVitModel(bytes, file, { registers: 4 });
    const c = loadV2Reference('dinov3').cases[0];
    const s = await ort.InferenceSession.create(d.bytes);
    try {
      const o = await s.run({ pixel_values: new ort.Tensor('float32', v2Input(c), c.shape) });
      expect(maxAbsDiff(o[d.attentionOutput].data as Float32Array, c.attention)).toBeLessThan(1e-4);
    } finally {
      await s.release();
    }
  });

  it('does not take a Softmax whose result reaches no MatMul', () => {
    const file = join(v2Dir('dinov2'), 'hub', 'onnx', 'model.onnx');
    const m = onnx.ModelProto.decode(readFileSync(file));
    // Detach every Softmax from its consumers: no attention left to expose.
    for (const s of m.graph!.node!.filter((n) => n.opType === 'Softmax')) s.output = [`${s.output![0]}_dangling`];
    expect(findLastAttentionSoftmax(m)).toBeUndefined();
  });
});
