import type { AcgConfig, ParamValues } from '../../model/config.js';
import {
  attention as attentionNodes,
  attrInt,
  attrInts,
  gelu as geluNode,
  GraphBuilder,
  layerNorm as layerNormNode,
  linear as linearNode,
  splitHeads as splitHeadsNode,
  transpose,
  type OnnxAttr,
} from '@acseg/onnx-graph';
import {
  int8FeatureProduct,
  int8Product,
  parseInt8Formulation,
  quantizeFeatures,
  type AcgPrecision,
  type GraphWriter,
  type Int8Formulation,
  type Int8Levels,
  type QuantizedFeatures,
} from './int8.js';

export const ACG_ONNX_FORMAT = 'acseg-acg-onnx/1';
/** Graph input and output names. */
export const ACG_IO = { features: 'features', assignment: 'assignment', concepts: 'concepts' } as const;

export type CrossAttentionForm = 'reassociated' | 'naive';

/** The int8 graph `precision: 'int8'` builds (int8.ts; docs/experiments/acg-notebook.md "int8 weight products"). */
export const INT8_DEFAULT_FORM: Int8Formulation = 'dqmm+x8';

export interface AcgOnnxOptions {
  /** Every layer's cross-attention weights as extra outputs (diagnostics, re-associated form only). */
  probe?: boolean;
  /** 'int8': the weight products and the products with the features dynamically quantized (int8.ts); default 'fp32'. */
  precision?: AcgPrecision;
  /** How the int8 graph is written (benchmarking; default the fastest measured, `INT8_DEFAULT_FORM`). */
  int8Form?: Int8Formulation;
  /** Largest |q| of the int8 operands (default 127; 63 where the CPU's kernels saturate: `int8Levels`). */
  int8Levels?: Int8Levels;
}

/** A PyTorch Linear weight [out = d, in = d] split per head: [h, dh, d] (rows of head j), or transposed per head [h, d, dh]. */
function headBlocks(w: Float32Array, d: number, heads: number, transposed: boolean): Float32Array {
  if (!transposed) return w; // rows j·dh..(j+1)·dh are contiguous: already [h, dh, d]
  const dh = d / heads;
  const o = new Float32Array(w.length);
  for (let h = 0; h < heads; h++) o.set(transpose(w.subarray(h * dh * d, (h + 1) * dh * d), dh, d), h * d * dh);
  return o;
}

/**
 * Writes the ACG forward pass (README "Forward math") as an ONNX graph
 * (opset 17) from checkpoint tensors (PyTorch layout): input `features`
 * [batch, n, d]; outputs `assignment` S = cos(X, C) [batch, n, k] and
 * `concepts` C [batch, k, d]. Cross-attention is re-associated by default
 * (per head softmax((Q W_k,h) Xᵀ/√dh) X W_v,hᵀ + b_v,h: the n pixels are never
 * projected; the key bias cancels in the softmax). Returns the encoded ModelProto. With `probe` (diagnostics,
 * re-associated form only) every layer's cross-attention weights are outputs too: `probe.cross_attn.<l>`
 * [B, h·k, n], rows (head, prototype) per image, each a softmax over the n patches. With `precision: 'int8'`
 * every product whose right operand is a weight (q/k/v/o projections, FFN, the per-head W_k / W_v products) is a
 * dynamically quantized int8 product, and (`int8Form` `…+x8`, the default, re-associated form) so are the two
 * products with the features per layer (X int8 once per run, softmax as exp(l − max) then one division after the
 * product); softmax's exp, LayerNorm and the cosine (with the fp32 X) stay fp32.
 */
export function buildAcgOnnx(config: AcgConfig, params: ParamValues, form: CrossAttentionForm = 'reassociated', options: AcgOnnxOptions = {}): Uint8Array {
  const { dim: d, k, heads: h, steps, ffnDim, lnEps } = config;
  const dh = d / h;
  const probes: string[] = [];
  const g = new GraphBuilder();
  const X = g.input(ACG_IO.features, 'float', ['batch', 'n', d]);
  const node = (op: string, inputs: string[], attrs: OnnxAttr[] = [], out?: string): string => g.op(op, inputs, attrs, out);
  // A name already written with the same data is the same constant (shared shapes, axes, quantization constants): written once.
  const init = (name: string, dims: number[], data: Float32Array): string => g.constant(name, dims, data);
  const ints = (name: string, values: number[]): string => g.ints(name, values);
  const int8 = options.precision === 'int8';
  const int8Form = options.int8Form ?? INT8_DEFAULT_FORM;
  const { product: productForm, features: int8Features } = parseInt8Formulation(int8Form);
  const levels = options.int8Levels ?? 127;
  const writer: GraphWriter = {
    node: (op, inputs, attrs = [], domain = '', outputs = 1) => g.emit(op, inputs, attrs, outputs, domain || undefined),
    floatInit: (name, dims, data) => g.constant(name, dims, data),
    rawInit: (t) => g.raw(t),
  };
  const p = (name: string): Float32Array => {
    const v = params[name];
    if (!v) throw new Error(`buildAcgOnnx: missing tensor ${name}`);
    return v;
  };
  /** x Wᵀ + b on rows x [M, in] (one Gemm, PyTorch's [out, in] weight as is). */
  const linear = (x: string, prefix: string, inDim: number, outDim: number): string =>
    int8
      ? int8Product(writer, productForm, x, prefix, transpose(p(`${prefix}.weight`), outDim, inDim), inDim, outDim, 1, p(`${prefix}.bias`), levels)
      : node(
          'Gemm',
          [x, init(`${prefix}.weight`, [outDim, inDim], p(`${prefix}.weight`)), init(`${prefix}.bias`, [outDim], p(`${prefix}.bias`))],
          [attrInt('transB', 1)],
        );
  /** The same on [B, n, in] (naive cross-attention's keys and values). */
  const linear3 = (x: string, prefix: string): string =>
    int8
      ? int8Product(writer, productForm, x, prefix, transpose(p(`${prefix}.weight`), d, d), d, d, 1, p(`${prefix}.bias`), levels)
      : linearNode(g, x, prefix, p(`${prefix}.weight`), d, d, p(`${prefix}.bias`));
  const layerNorm = (x: string, prefix: string): string => layerNormNode(g, x, prefix, p(`${prefix}.weight`), p(`${prefix}.bias`), lnEps);
  const perm = (x: string, order: number[]) => node('Transpose', [x], [attrInts('perm', order)]);
  const flatShape = ints('shape_flat', [-1, d]);
  const scale = init('attn_scale', [], new Float32Array([1 / Math.sqrt(dh)]));
  /** Concept rows [B·k, d] (or [B, n, d] when `tokens`) → [B, h, k (n), dh]. */
  const splitHeads = (x: string, tokens = false) => splitHeadsNode(g, x, tokens ? [0, 0, h, dh] : [-1, k, h, dh], [0, 2, 1, 3]);

  const lastAxis = ints('axis_last', [-1]);
  // The features quantized once for the products with them (re-associated int8 `+x8` / `+px8` only).
  const xq: QuantizedFeatures | undefined = int8 && int8Features && form === 'reassociated' ? quantizeFeatures(writer, X, levels) : undefined;
  const XT = xq && int8Features === 'x8' ? '' : perm(X, [0, 2, 1]); // [B, d, n]
  const batch = node('Slice', [node('Shape', [X]), ints('zero', [0]), ints('one', [1])]);
  // The concepts are kept as rows [B·k, d] so that every weight product is one Gemm.
  let c = node('Reshape', [
    node('Expand', [init('prototypes', [1, k, d], p('prototypes')), node('Concat', [batch, ints('k_d', [k, d])], [attrInt('axis', 0)])]),
    flatShape,
  ]);

  const rowsShape = ints('shape_rows', [0, -1, d]);
  const headRowsShape = ints('shape_head_rows', [h, -1, d]);
  const crossReassociated = (pre: string, q: string): string => {
    // Per-head weight products as one batched product over the heads, M = B·k rows each: [h, B·k, dh] · [h, dh, d].
    const qh = perm(node('Reshape', [q, ints(`${pre}.shape_qh`, [-1, h, dh])]), [1, 0, 2]); // [h, B·k, dh]
    const wkHeads = headBlocks(p(`${pre}.k_proj.weight`), d, h, false);
    // int8: 1/√dh folded into W_k before quantization (the column scales absorb it; one Mul less per layer).
    const qtH = int8 // [h, B·k, d]
      ? int8Product(
          writer,
          productForm,
          qh,
          `${pre}.k_proj.weight_heads_scaled`,
          wkHeads.map((v) => v / Math.sqrt(dh)),
          dh,
          d,
          h,
          undefined,
          levels,
        )
      : node('Mul', [node('MatMul', [qh, init(`${pre}.k_proj.weight_heads`, [h, dh, d], wkHeads)]), scale]);
    const probeName = `probe.${pre.replace('layers.', 'cross_attn.').replace('.cross_attn', '')}`;
    // Per image one product with Xᵀ over all (head, prototype) rows: [B, h·k, d] · [B, d, n].
    const qt = node('Reshape', [perm(node('Reshape', [qtH, ints(`${pre}.shape_hbkd`, [h, -1, k, d])]), [1, 0, 2, 3]), rowsShape]);
    let px: string; // [B, h·k, d], rows (head, prototype)
    if (xq) {
      // The logits with Q̃'s rows scaled to max |·| = 1 (`rows`): one row of large norm would otherwise set the
      // per-tensor step of all (a trained checkpoint: max |ΔS| 0.31 without, 0.044 with). P X = (E X) / Σ_n E with
      // E = exp(logits − row max): every row of E peaks at exactly 1, so E's one per-tensor uint8 scale (1/255) suits
      // every row, where P's would be set by the most peaked row of the batch.
      const logits = int8Features === 'px8' ? node('MatMul', [qt, XT]) : int8FeatureProduct(writer, qt, xq.qT, xq.scale, true);
      const e = node('Exp', [node('Sub', [logits, node('ReduceMax', [logits, lastAxis], [attrInt('keepdims', 1)])])]);
      const sum = node('ReduceSum', [e, lastAxis], [attrInt('keepdims', 1)]);
      if (options.probe) probes.push(node('Div', [e, sum], [], probeName));
      px = node('Div', [int8FeatureProduct(writer, e, xq.q, xq.scale), sum]);
    } else {
      const attn = node('Softmax', [node('MatMul', [qt, XT])], [attrInt('axis', -1)]); // [B, h·k, n]
      if (options.probe) probes.push(node('Identity', [attn], [], probeName));
      px = node('MatMul', [attn, X]);
    }
    const pxH = node('Reshape', [perm(node('Reshape', [px, ints(`${pre}.shape_bhkd`, [-1, h, k, d])]), [1, 0, 2, 3]), headRowsShape]); // [h, B·k, d]
    const wvHeads = headBlocks(p(`${pre}.v_proj.weight`), d, h, true);
    const pwv = int8
      ? int8Product(writer, productForm, pxH, `${pre}.v_proj.weight_heads_t`, wvHeads, d, dh, h, undefined, levels)
      : node('MatMul', [pxH, init(`${pre}.v_proj.weight_heads_t`, [h, d, dh], wvHeads)]);
    const v = perm(pwv, [1, 0, 2]); // [B·k, h, dh]
    return node('Add', [node('Reshape', [v, flatShape]), init(`${pre}.v_proj.bias`, [d], p(`${pre}.v_proj.bias`))]);
  };
  /** Multi-head attention of concept rows q to kv: the concepts themselves, or the features X (naive cross-attention). */
  const attention = (q: string, kv: string, kvPre: string): string => {
    const tokens = kv === X;
    const proj = (x: 'k' | 'v') => splitHeads(tokens ? linear3(kv, `${kvPre}.${x}_proj`) : linear(kv, `${kvPre}.${x}_proj`, d, d), tokens);
    const keys = proj('k');
    const vals = proj('v');
    return attentionNodes(g, splitHeads(q), perm(keys, [0, 1, 3, 2]), vals, { headDim: dh, dim: d, merge: [-1, d] }).out;
  };
  for (let l = 0; l < steps; l++) {
    const pre = `layers.${l}`;
    const cq = linear(c, `${pre}.cross_attn.q_proj`, d, d);
    const cross = form === 'naive' ? attention(cq, X, `${pre}.cross_attn`) : crossReassociated(`${pre}.cross_attn`, cq);
    c = layerNorm(node('Add', [c, linear(cross, `${pre}.cross_attn.o_proj`, d, d)]), `${pre}.norm1`);
    const self = attention(linear(c, `${pre}.self_attn.q_proj`, d, d), c, `${pre}.self_attn`);
    c = layerNorm(node('Add', [c, linear(self, `${pre}.self_attn.o_proj`, d, d)]), `${pre}.norm2`);
    const hid = linear(c, `${pre}.ffn.fc1`, d, ffnDim);
    const act = config.ffn === 'gelu' ? geluNode(g, hid) : node('Relu', [hid]);
    c = layerNorm(node('Add', [c, linear(act, `${pre}.ffn.fc2`, ffnDim, d)]), `${pre}.norm3`);
  }
  const concepts = node('Reshape', [c, ints('shape_bkd', [-1, k, d])], [], ACG_IO.concepts);
  const norm = (x: string) => node('Sqrt', [node('ReduceSumSquare', [x, lastAxis], [attrInt('keepdims', 1)])]);
  // S_ij = (x_i · ĉ_j) / |x_i|: the division on [B, n, k] instead of normalising X ([B, n, d]).
  node('Div', [node('MatMul', [X, perm(node('Div', [concepts, norm(concepts)]), [0, 2, 1])]), norm(X)], [], ACG_IO.assignment);

  g.output(ACG_IO.assignment, 'float', ['batch', 'n', k]);
  g.output(ACG_IO.concepts, 'float', ['batch', k, d]);
  for (const name of probes) g.output(name, 'float', ['batch', h * k, 'n']);
  return g.encode({
    name: 'acg',
    producer: '@acseg/acg',
    opset: 18,
    domains: int8 ? { 'com.microsoft': 1 } : {},
    metadata: {
      'acseg.format': ACG_ONNX_FORMAT,
      'acseg.config': JSON.stringify(config),
      'acseg.cross_attention': form,
      ...(int8 ? { 'acseg.precision': `int8 (${int8Form}${levels === 63 ? ', 7-bit' : ''})` } : {}),
    },
  });
}
