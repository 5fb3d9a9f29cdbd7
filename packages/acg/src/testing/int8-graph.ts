import { floatValueInfo, onnx, type OnnxNode, type OnnxTensor } from '@acseg/onnx-graph';
import { int8ModelBytes, int8Product, type GraphWriter, type Int8Levels, type Int8ProductForm } from '../inference/onnx/int8.js';
import { loadOnnxRuntime } from '../inference/onnx/session.js';

/** A GraphWriter that collects the nodes and initializers it is given, for one-product test models. */
export function graphCollector(): { g: GraphWriter; nodes: OnnxNode[]; inits: OnnxTensor[] } {
  const nodes: OnnxNode[] = [];
  const inits: OnnxTensor[] = [];
  let id = 0;
  const g: GraphWriter = {
    node: (op, inputs, attrs = [], domain = '', outputs = 1) => {
      const names = Array.from({ length: outputs }, (_, i) => `${op}_${id}_${i}`);
      nodes.push({ opType: op, input: inputs, output: names, name: `${op}_${id++}`, attribute: attrs, ...(domain ? { domain } : {}) });
      return names;
    },
    floatInit: (name, dims, data) => {
      inits.push({
        name,
        dims,
        dataType: onnx.TensorProto.DataType.FLOAT,
        rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
      });
      return name;
    },
    rawInit: (t) => {
      inits.push(t);
      return t.name!;
    },
  };
  return { g, nodes, inits };
}
/** One int8Product as a whole ONNX model, run on onnxruntime-node (one thread). */
export async function runProduct(
  form: Int8ProductForm,
  a: Float32Array,
  w: Float32Array,
  batches: number,
  m: number,
  k: number,
  n: number,
  bias: Float32Array | undefined,
  levels: Int8Levels,
): Promise<Float32Array> {
  const ort = await loadOnnxRuntime();
  if (!ort) throw new Error('onnxruntime-node cannot load');
  const { g, nodes, inits } = graphCollector();
  const aDims = batches > 1 ? [batches, m, k] : [m, k];
  const out = int8Product(g, form, 'a', 'w', w, k, n, batches, bias, levels);
  nodes.push({ opType: 'Identity', input: [out], output: ['y'], name: 'out' });
  const model = int8ModelBytes({ name: 'p', node: nodes, initializer: inits, input: [floatValueInfo('a', aDims)], output: [floatValueInfo('y')] });
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 4,
  });
  const res = await session.run({ a: new ort.Tensor('float32', a, aDims) });
  const y = Float32Array.from(res.y.data as Float32Array);
  await session.release();
  return y;
}
