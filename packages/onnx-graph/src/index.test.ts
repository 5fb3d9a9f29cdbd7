import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { attrFloats, attrInt, floatTensor, floatValueInfo, int64Tensor, int64ValueInfo, nodeAttr, num, onnx } from './index.js';

describe('onnx-graph helpers', () => {
  it('build a graph that onnxruntime runs: y = reshape(x, [2, 2]) @ W + b, worked by hand', async () => {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      producerName: 'test',
      graph: {
        name: 'g',
        input: [floatValueInfo('x', ['batch', 4])],
        output: [floatValueInfo('y')],
        initializer: [
          floatTensor('W', [2, 2], Float32Array.from([1, 2, 3, 4])),
          floatTensor('b', [2], Float32Array.from([10, 20])),
          int64Tensor('shape', [2, 2]),
        ],
        node: [
          { opType: 'Reshape', input: ['x', 'shape'], output: ['x2'] },
          { opType: 'Gemm', input: ['x2', 'W', 'b'], output: ['y'], attribute: [attrInt('transB', 0)] },
        ],
      },
    });
    const bytes = onnx.ModelProto.encode(model).finish();
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 0, 0, 1]), [1, 4]) });
    // [[1, 0], [0, 1]] @ [[1, 2], [3, 4]] + [10, 20] = [[11, 22], [13, 24]]
    expect(Array.from(out.y.data as Float32Array)).toEqual([11, 22, 13, 24]);
    const decoded = onnx.ModelProto.decode(bytes);
    expect(num(nodeAttr(decoded.graph!.node![1], 'transB')!.i)).toBe(0);
  });

  it('int64 inputs and FLOATS attributes: Gather(table, ids) and Constant(value_floats), by hand', async () => {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      producerName: 'test',
      graph: {
        name: 'g',
        input: [int64ValueInfo('ids', ['batch', 2])],
        output: [floatValueInfo('y'), floatValueInfo('c', [2])],
        initializer: [floatTensor('table', [3], Float32Array.from([5, 6, 7]))],
        node: [
          { opType: 'Gather', input: ['table', 'ids'], output: ['y'] },
          { opType: 'Constant', input: [], output: ['c'], attribute: [attrFloats('value_floats', [0.5, 1.5])] },
        ],
      },
    });
    const bytes = onnx.ModelProto.encode(model).finish();
    const decoded = onnx.ModelProto.decode(bytes);
    expect(decoded.graph!.input![0].type!.tensorType!.elemType).toBe(onnx.TensorProto.DataType.INT64);
    expect(nodeAttr(decoded.graph!.node![1], 'value_floats')!.floats).toEqual([0.5, 1.5]);
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ ids: new ort.Tensor('int64', BigInt64Array.from([2n, 0n, 1n, 1n]), [2, 2]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([7, 5, 6, 6]);
    expect(Array.from(out.c.data as Float32Array)).toEqual([0.5, 1.5]);
  });

  it('refuses an initializer whose data does not fit its shape', () => {
    expect(() => floatTensor('w', [2, 3], new Float32Array(5))).toThrow(/initializer w: 5 values for shape \[2, 3\]/);
  });
});
