import { attrInt, onnx, type OnnxAttr, type OnnxTensor } from '@acseg/onnx-graph';

/** Arithmetic of the inference graph's weight products (the option `precision`). */
export type { AcgPrecision } from '../options.js';

/**
 * How an int8 weight product is written (all dynamic: the activation is quantized per tensor at run time, uint8
 * asymmetric as onnxruntime's u8s8 kernels want, the weight is int8 symmetric per output column at build time):
 * - `dqmm`: one com.microsoft `DynamicQuantizeMatMul` (quantization, integer GEMM, scale and bias in one kernel);
 * - `dql-mmitf`: ONNX `DynamicQuantizeLinear` then com.microsoft `MatMulIntegerToFloat` (scale and bias fused);
 * - `dql-mmi`: standard ONNX only: `DynamicQuantizeLinear`, `MatMulInteger`, `Cast`, `Mul` by a_scale·b_scale, `Add`.
 */
export type Int8Formulation = 'dqmm' | 'dql-mmitf' | 'dql-mmi';

export const INT8_FORMULATIONS: readonly Int8Formulation[] = ['dqmm', 'dql-mmitf', 'dql-mmi'];

export interface QuantizedColumns {
  /** Same layout as the input: `batches` row-major [K, N] blocks. */
  q: Int8Array;
  /** One scale per (block, column): [batches · N]. */
  scale: Float32Array;
}

/**
 * Symmetric per-column int8 of `batches` row-major [K, N] blocks: scale = max |w| / 127 over the column, q =
 * round(w / scale) ∈ [-127, 127] (−128 unused, so the grid is symmetric), so |w − scale·q| ≤ scale / 2.
 * An all-zero column gets scale 1 (q = 0), keeping every scale finite and positive.
 */
export function quantizeColumns(w: Float32Array, k: number, n: number, batches = 1): QuantizedColumns {
  if (w.length !== batches * k * n) throw new Error(`quantizeColumns: ${w.length} values for ${batches} × [${k}, ${n}]`);
  const q = new Int8Array(w.length);
  const scale = new Float32Array(batches * n);
  for (let b = 0; b < batches; b++) {
    const base = b * k * n;
    for (let c = 0; c < n; c++) {
      let m = 0;
      for (let r = 0; r < k; r++) m = Math.max(m, Math.abs(w[base + r * n + c]));
      const s = m > 0 ? Math.fround(m / 127) : 1;
      scale[b * n + c] = s;
      for (let r = 0; r < k; r++) q[base + r * n + c] = Math.max(-127, Math.min(127, Math.round(w[base + r * n + c] / s)));
    }
  }
  return { q, scale };
}

export function int8Tensor(name: string, dims: number[], data: Int8Array): OnnxTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new Error(`initializer ${name}: ${data.length} values for shape [${dims.join(', ')}]`);
  return { name, dims, dataType: onnx.TensorProto.DataType.INT8, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** The graph-building callbacks `int8Product` writes through (those of `buildAcgOnnx`). */
export interface GraphWriter {
  /** Emits one node with `outputs` fresh output names (returned). */
  node(op: string, inputs: string[], attrs?: OnnxAttr[], domain?: string, outputs?: number): string[];
  floatInit(name: string, dims: number[], data: Float32Array): string;
  rawInit(t: OnnxTensor): string;
}

/**
 * Writes a · W (+ bias) with W quantized: `w` holds `batches` row-major [K, N] blocks (batches > 1: a batched
 * product [batches, M, K] · [batches, K, N], scales [batches, 1, N] as onnxruntime's per-column form for a
 * batched B). Returns the float output's name.
 */
export function int8Product(
  g: GraphWriter, form: Int8Formulation, a: string, name: string, w: Float32Array, k: number, n: number, batches = 1, bias?: Float32Array,
): string {
  const { q, scale } = quantizeColumns(w, k, n, batches);
  const bDims = batches > 1 ? [batches, k, n] : [k, n];
  const qName = g.rawInit(int8Tensor(`${name}.q`, bDims, q));
  const sName = g.floatInit(`${name}.scale`, batches > 1 ? [batches, 1, n] : [n], scale);
  // MatMulIntegerToFloat and DynamicQuantizeMatMul take a bias only of shape [N] (one per column, all blocks).
  const biasName = bias ? g.floatInit(`${name}.bias`, [n], bias) : '';
  if (form === 'dqmm') return g.node('DynamicQuantizeMatMul', [a, qName, sName, '', ...(bias ? [biasName] : [])], [], 'com.microsoft')[0];
  const [aq, aScale, aZero] = g.node('DynamicQuantizeLinear', [a], [], '', 3);
  if (form === 'dql-mmitf') return g.node('MatMulIntegerToFloat', [aq, qName, aScale, sName, aZero, '', ...(bias ? [biasName] : [])], [], 'com.microsoft')[0];
  const acc = g.node('Cast', [g.node('MatMulInteger', [aq, qName, aZero])[0]], [attrInt('to', onnx.TensorProto.DataType.FLOAT)])[0];
  const y = g.node('Mul', [acc, g.node('Mul', [aScale, sName])[0]])[0];
  return bias ? g.node('Add', [y, biasName])[0] : y;
}
