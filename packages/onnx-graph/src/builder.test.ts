import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, transpose } from './builder.js';
import { attrInt, nodeAttr, num, onnx } from './proto.js';

describe('transpose', () => {
  it('[rows, cols] → [cols, rows], by hand; a size that does not fit is refused', () => {
    // [[1, 2, 3], [4, 5, 6]] → [[1, 4], [2, 5], [3, 6]]
    expect(Array.from(transpose(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(() => transpose(new Float32Array(5), 2, 3)).toThrow(/5 values for \[2, 3\]/);
  });
});

describe('GraphBuilder', () => {
  it('writes a constant once per name and data; other data under the same name gets a fresh name', () => {
    const g = new GraphBuilder();
    expect(g.constant('c', [2], Float32Array.from([1, 2]))).toBe('c');
    expect(g.constant('c', [2], Float32Array.from([1, 2]))).toBe('c');
    expect(g.constant('c', [2], Float32Array.from([1, 3]))).toBe('c_1');
    expect(g.ints('shape', [0, -1])).toBe('shape');
    expect(g.ints('shape', [0, -1])).toBe('shape');
    expect(g.ints('shape', [1, -1])).toBe('shape_1');
    expect(g.inits.map((t) => t.name)).toEqual(['c', 'c_1', 'shape', 'shape_1']);
  });

  it('names outputs <op>_<id>, takes attributes as values or built, and encodes opsets and metadata', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float', ['batch', 3]);
    const s = g.op('Softmax', [x], { axis: { int: -1 } });
    const parts = g.emit('Split', [s], [attrInt('axis', 1)], 2, 'custom');
    expect(s).toBe('softmax_0');
    expect(parts).toEqual(['split_1_0', 'split_1_1']);
    g.op('Identity', [parts[0]], {}, 'y');
    g.output('y', 'float', ['batch', 1]);
    const m = onnx.ModelProto.decode(g.encode({ name: 'g', producer: 'test', opset: 18, domains: { custom: 1 }, metadata: { k: 'v' } }));
    expect(m.opsetImport.map((o) => [o.domain, num(o.version)])).toEqual([
      ['', 18],
      ['custom', 1],
    ]);
    expect(m.metadataProps.map((p) => [p.key, p.value])).toEqual([['k', 'v']]);
    expect(m.graph!.node!.map((n) => [n.opType, n.name, n.domain])).toEqual([
      ['Softmax', 'Softmax_0', ''],
      ['Split', 'Split_1', 'custom'],
      ['Identity', 'Identity_2', ''],
    ]);
    expect(num(nodeAttr(m.graph!.node![0], 'axis')!.i)).toBe(-1);
    expect(m.graph!.output!.map((o) => o.name)).toEqual(['y']);
  });

  it('builds a graph onnxruntime runs: y = Gemm(x, W) · c, by hand', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float', ['batch', 2]);
    const w = g.constant('W', [2, 2], Float32Array.from([1, 2, 3, 4]));
    g.op('Mul', [g.op('Gemm', [x, w]), g.constant('c', [], Float32Array.from([0.5]))], {}, 'y');
    g.output('y', 'float', ['batch', 2]);
    const s = await ort.InferenceSession.create(g.encode({ name: 'g', producer: 'test' }));
    try {
      const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([1, 1, 2, 0]), [2, 2]) });
      // [1, 1]·W = [4, 6] → [2, 3]; [2, 0]·W = [2, 4] → [1, 2]
      expect(Array.from(out.y.data as Float32Array)).toEqual([2, 3, 1, 2]);
    } finally {
      await s.release();
    }
  });
});
