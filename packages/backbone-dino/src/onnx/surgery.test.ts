import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HUB_FIXTURE, loadReference, maxAbsDiff } from '../testing/reference.js';
import { lcgUniform } from '../testing/tiny-vit.js';
import { describeVitModel } from './describe.js';
import { onnx } from '@acseg/onnx-graph';
import { appendGraphOutputs, appendToGraph, locateGraph } from './surgery.js';

const ref = loadReference();
const file = join(HUB_FIXTURE, 'onnx', 'model.onnx');
const original = new Uint8Array(readFileSync(file));

/** Protobuf bytes of an unknown varint field: tag (field << 3 | 0), value. */
function unknownField(field: number, value: number): Uint8Array {
  const out: number[] = [];
  for (let v = field * 8; ; v = Math.floor(v / 128)) {
    if (v < 128) {
      out.push(v);
      break;
    }
    out.push((v % 128) | 128);
  }
  out.push(value);
  return Uint8Array.from(out);
}

describe('attention surgery on a Hub-layout export (torch.onnx.export, attention not an output)', () => {
  it('exposes the last Softmax and reproduces the PyTorch attention', async () => {
    const m = describeVitModel(original, file);
    expect(m.patched).toBe(true);
    expect(m.layout).toBe('hub-onnx');
    expect([m.patchSize, m.dim, m.fixedInputSize]).toEqual([16, 48, 48]);
    const s = await ort.InferenceSession.create(m.bytes);
    expect(s.outputNames).toEqual(['last_hidden_state', m.attentionOutput]);
    const c = ref.cases['48'];
    const x = lcgUniform(c.input_seed, 2 * 3 * 48 * 48, 2);
    const o = await s.run({ pixel_values: new ort.Tensor('float32', x, [2, 3, 48, 48]) });
    expect(o[m.attentionOutput].dims).toEqual([2, 3, 10, 10]);
    expect(maxAbsDiff(o.last_hidden_state.data as Float32Array, c.last_hidden_state)).toBeLessThan(1e-4);
    expect(maxAbsDiff(o[m.attentionOutput].data as Float32Array, c.attention)).toBeLessThan(1e-4);
    await s.release();
  });

  it('changes only the graph length and appends the output: every other byte is kept', () => {
    const vi = { name: 'extra', type: { tensorType: { elemType: 1 } } };
    const patched = appendGraphOutputs(original, [vi]);
    const body = onnx.ValueInfoProto.encode(vi).finish();
    // tag(1) + len(1) + body, plus at most one more byte in the graph's length varint
    const grow = patched.length - original.length;
    expect(grow - (2 + body.length)).toBeGreaterThanOrEqual(0);
    expect(grow - (2 + body.length)).toBeLessThanOrEqual(1);
    const before = onnx.ModelProto.decode(original);
    const after = onnx.ModelProto.decode(patched);
    expect(after.graph!.output!.map((o) => o.name)).toEqual([...before.graph!.output!.map((o) => o.name), 'extra']);
    expect(after.graph!.node!.length).toBe(before.graph!.node!.length);
    expect(after.graph!.initializer!.length).toBe(before.graph!.initializer!.length);
    // the initializer bytes are identical (a re-encode would rewrite them; a splice copies them)
    const raw = (m: typeof before) => m.graph!.initializer!.map((t) => Buffer.from(t.rawData!).toString('base64')).join();
    expect(raw(after)).toBe(raw(before));
  });

  it('says so for a cut file and for a model without a graph', () => {
    expect(() => locateGraph(original.subarray(0, original.length - 5))).toThrow(/truncated or malformed protobuf message/);
    const noGraph = onnx.ModelProto.encode({ irVersion: 8, producerName: 'x' }).finish();
    expect(() => locateGraph(noGraph)).toThrow(/the model has no graph/);
    // The graph found is where a decoder finds it: its bytes decode to the same graph.
    const g = locateGraph(original);
    expect(onnx.GraphProto.decode(original.subarray(g.start, g.end)).node!.length).toBe(onnx.ModelProto.decode(original).graph!.node!.length);
  });

  it('keeps fields onnx-proto does not know (top level and inside the graph), which a decode/encode round trip drops', () => {
    const top = unknownField(99, 7);
    const inner = unknownField(77, 5);
    const withUnknown = new Uint8Array([...appendToGraph(original, inner), ...top]);
    const patched = appendGraphOutputs(withUnknown, [{ name: 'a', type: { tensorType: { elemType: 1 } } }]);
    const g = locateGraph(patched);
    const has = (buf: Uint8Array, part: Uint8Array) => Buffer.from(buf).indexOf(Buffer.from(part)) >= 0;
    expect(has(patched.subarray(g.start, g.end), inner)).toBe(true);
    expect(Buffer.from(patched.subarray(patched.length - top.length)).equals(Buffer.from(top))).toBe(true);
    expect(onnx.ModelProto.decode(patched).graph!.output!.at(-1)!.name).toBe('a');
    // What onnx-proto's round trip does to the same bytes: both fields are gone.
    const roundTrip = onnx.ModelProto.encode(onnx.ModelProto.decode(withUnknown)).finish();
    const rg = locateGraph(roundTrip);
    expect(has(roundTrip.subarray(rg.start, rg.end), inner)).toBe(false);
    expect(Buffer.from(roundTrip.subarray(roundTrip.length - top.length)).equals(Buffer.from(top))).toBe(false);
  });

  it('refuses a graph that is not a ViT, naming the file', () => {
    const m = onnx.ModelProto.decode(original);
    m.graph!.input![0].name = 'input';
    const bad = onnx.ModelProto.encode(m).finish();
    expect(() => describeVitModel(bad, '/x/model.onnx')).toThrow(/\/x\/model\.onnx: has inputs "input", expected one input "pixel_values"/);
    const noSoftmax = onnx.ModelProto.decode(original);
    noSoftmax.graph!.node = noSoftmax.graph!.node!.filter((n) => n.opType !== 'Softmax');
    expect(() => describeVitModel(onnx.ModelProto.encode(noSoftmax).finish(), 'y.onnx')).toThrow(/y\.onnx: has no attention Softmax/);
    expect(() => describeVitModel(new TextEncoder().encode('not a model at all'), 'z.onnx')).toThrow(/z\.onnx: not an ONNX model/);
  });
});
