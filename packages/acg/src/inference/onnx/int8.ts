import { attrInt, attrInts, int64Tensor, onnx, type OnnxAttr, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from '@acseg/onnx-graph';

/** Arithmetic of the inference graph's weight products (the option `precision`). */
export type { AcgPrecision } from '../../options.js';

/**
 * How an int8 weight product is written (all dynamic: the activation is quantized per tensor at run time, uint8
 * asymmetric as onnxruntime's u8s8 kernels want, the weight is int8 symmetric per output column at build time):
 * - `dqmm`: one com.microsoft `DynamicQuantizeMatMul` (quantization, integer GEMM, scale and bias in one kernel);
 * - `dql-mmitf`: ONNX `DynamicQuantizeLinear` then com.microsoft `MatMulIntegerToFloat` (scale and bias fused);
 * - `dql-mmi`: standard ONNX only: `DynamicQuantizeLinear`, `MatMulInteger`, `Cast`, `Mul` by a_scale·b_scale, `Add`.
 */
export type Int8ProductForm = 'dqmm' | 'dql-mmitf' | 'dql-mmi';

/**
 * The whole int8 graph: a weight-product form alone (the products with the features X stay fp32), or with `+x8`
 * also the re-associated cross-attention's two products with X per layer (`int8FeatureProduct`: X int8 once per
 * batch, the left operand uint8 per product), or with `+px8` only the second of them (P X; the logits Q̃ Xᵀ fp32).
 */
export type Int8Formulation = Int8ProductForm | `${Int8ProductForm}+x8` | `${Int8ProductForm}+px8`;

export const INT8_FORMULATIONS: readonly Int8ProductForm[] = ['dqmm', 'dql-mmitf', 'dql-mmi'];

/** Splits a graph formulation into its weight-product form and whether the feature products are int8. */
export function parseInt8Formulation(form: Int8Formulation): { product: Int8ProductForm; features: false | 'x8' | 'px8' } {
  const [product, features] = form.split('+') as [Int8ProductForm, 'x8' | 'px8' | undefined];
  return { product, features: features ?? false };
}

export interface QuantizedColumns {
  /** Same layout as the input: `batches` row-major [K, N] blocks. */
  q: Int8Array;
  /** One scale per (block, column): [batches · N]. */
  scale: Float32Array;
}

/**
 * The largest |q| of the int8 operands: 127, or 63 (7 bits) where onnxruntime's u8·s8 kernels saturate
 * (`int8Levels` in int8-levels.ts).
 */
export type Int8Levels = 127 | 63;

/**
 * Symmetric per-column int8 of `batches` row-major [K, N] blocks: scale = max |w| / levels over the column, q =
 * round(w / scale) ∈ [−levels, levels] (−128 unused, so the grid is symmetric), so |w − scale·q| ≤ scale / 2.
 * An all-zero column gets scale 1 (q = 0), keeping every scale finite and positive.
 */
export function quantizeColumns(w: Float32Array, k: number, n: number, batches = 1, levels: Int8Levels = 127): QuantizedColumns {
  if (w.length !== batches * k * n) throw new Error(`quantizeColumns: ${w.length} values for ${batches} × [${k}, ${n}]`);
  const q = new Int8Array(w.length);
  const scale = new Float32Array(batches * n);
  for (let b = 0; b < batches; b++) {
    const base = b * k * n;
    for (let c = 0; c < n; c++) {
      let m = 0;
      for (let r = 0; r < k; r++) m = Math.max(m, Math.abs(w[base + r * n + c]));
      const s = m > 0 ? Math.fround(m / levels) : 1;
      scale[b * n + c] = s;
      for (let r = 0; r < k; r++) q[base + r * n + c] = Math.max(-levels, Math.min(levels, Math.round(w[base + r * n + c] / s)));
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
  g: GraphWriter,
  form: Int8ProductForm,
  a: string,
  name: string,
  w: Float32Array,
  k: number,
  n: number,
  batches = 1,
  bias?: Float32Array,
  levels: Int8Levels = 127,
): string {
  const { q, scale } = quantizeColumns(w, k, n, batches, levels);
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

/** X quantized once per graph run, for every product with it: int8 symmetric per tensor, and its transpose. */
export interface QuantizedFeatures {
  /** int8 [B, n, d]. */
  q: string;
  /** int8 [B, d, n]. */
  qT: string;
  /** float scalar: max |X| / levels. */
  scale: string;
}

/**
 * X → int8 symmetric per tensor at run time: scale = max |X| / levels (at least 1e-30, so all-zero features stay
 * finite), q = round(X / scale) (ONNX QuantizeLinear, half to even), ∈ [−levels, levels]. Int8 rather than uint8 so
 * that the products run onnxruntime's u8·s8 kernels (VNNI), ≈ 1.5× its u8·u8 ones here; per tensor because
 * `DynamicQuantizeMatMul` takes one scale for a batched right operand that is not per column.
 */
export function quantizeFeatures(g: GraphWriter, x: string, levels: Int8Levels = 127): QuantizedFeatures {
  // max |X| as max(max X, −min X): two read-only passes over X instead of writing |X| (ReduceMax(Abs(X))).
  const max = g.node('Max', [
    g.node('ReduceMax', [x], [attrInt('keepdims', 0)])[0],
    g.node('Neg', [g.node('ReduceMin', [x], [attrInt('keepdims', 0)])[0]])[0],
  ])[0];
  const scale = g.node('Max', [
    g.node('Div', [max, g.floatInit(`x8.${levels}`, [], new Float32Array([levels]))])[0],
    g.floatInit('x8.tiny', [], new Float32Array([1e-30])),
  ])[0];
  const q = g.node('QuantizeLinear', [x, scale, g.rawInit(int8Tensor('x8.zero', [], new Int8Array(1)))])[0];
  return { q, qT: g.node('Transpose', [q], [attrInts('perm', [0, 2, 1])])[0], scale };
}

/**
 * a [B, M, K] (float, quantized uint8 per tensor at run time) times an int8 operand [B, K, N] with one scale
 * (`quantizeFeatures`), as one com.microsoft `DynamicQuantizeMatMul`: float [B, M, N]. With `rows`, each row of a
 * is divided by its max |·| (r, at least 1e-30) before and the product's row multiplied by r after, so that every
 * row spans the quantization range (the per-tensor uint8 step is then ≤ 2/255 of each row's own max |·|).
 */
export function int8FeatureProduct(g: GraphWriter, a: string, q: string, scale: string, rows = false): string {
  if (!rows) return g.node('DynamicQuantizeMatMul', [a, q, scale], [], 'com.microsoft')[0];
  const axis = g.rawInit(int64Tensor('x8.axis_last', [-1]));
  const r = g.node('Max', [
    g.node('ReduceMax', [g.node('Abs', [a])[0], axis], [attrInt('keepdims', 1)])[0],
    g.floatInit('x8.tiny', [], new Float32Array([1e-30])),
  ])[0];
  const y = g.node('DynamicQuantizeMatMul', [g.node('Div', [a, r])[0], q, scale], [], 'com.microsoft')[0];
  return g.node('Mul', [y, r])[0];
}

/** One graph as an encoded model in the opsets the int8 products need (ONNX 18, com.microsoft 1): probes and tests. */
export function int8ModelBytes(graph: {
  name: string;
  node: OnnxNode[];
  initializer: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
}): Uint8Array {
  const opsetImport = [
    { domain: '', version: 18 },
    { domain: 'com.microsoft', version: 1 },
  ];
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport, graph })).finish();
}
