import { attrInt, attrInts, floatTensor, onnx } from '@acseg/onnx-graph';
import { paramSpecs, type AcgConfig } from '../../model/config.js';
import { Tape, type Value } from './tape.js';

export const ACG_TRAIN_ONNX_FORMAT = 'acseg-acg-train-onnx/1';

/** Graph input and output names of the training graph (parameters are inputs under their checkpoint names). */
export const TRAIN_IO = {
  features: 'features',
  loss: 'loss',
  /**
   * loss + Σ of every gradient element: non-finite whenever the loss or any element is (NaN and ±Inf propagate
   * through a sum). A sum of finite elements that overflows reads non-finite too, so the trainer then checks the
   * elements one by one.
   */
  check: 'check',
  grad: (name: string) => `grad.${name}`,
} as const;

/** A parameter's shape in TF.js layout (Linear weights [in, out]), as `TfAcg.layout`. */
export function tfShape(spec: { shape: number[]; linear: boolean }): number[] {
  return spec.linear ? [spec.shape[1], spec.shape[0]] : spec.shape;
}

/**
 * The ACG training step's differentiable part as one ONNX graph (opset 18 + com.microsoft FusedMatMul):
 * inputs `features` [B, n, d] and every parameter (TF.js layout, named as in `paramSpecs`); outputs the
 * batch-mean modularity loss `loss` (src/tf/loss.ts, with W/2m computed in-graph from the features), every
 * gradient `grad.<name>` (TF.js layout) and `check` (see TRAIN_IO). The forward pass is src/tf/model.ts's
 * re-associated form laid out as src/inference/onnx/build.ts's (concepts as rows [B·k, d], per-head products batched over
 * the heads); the backward is written by `Tape` from per-op VJPs. The cross-attention key bias cancels in the
 * softmax, so its gradient is zeros (as TF.js's). The pair maximum's gradient goes through the first maximizing
 * concept only (∂L/∂S_ic = −(2/B)[S_ic > 0] Σ_j (W_ij/2m)[c = c*(i,j)] S̄_jc; none when every product is 0).
 */
export function buildAcgTrainOnnx(config: AcgConfig, options: { form?: 'reassociated' } = {}): Uint8Array {
  if ((options.form ?? 'reassociated') !== 'reassociated') throw new Error('buildAcgTrainOnnx: only the re-associated cross-attention is implemented');
  const { dim: d, k, heads: h, steps, lnEps } = config;
  const dh = d / h;
  const scale = 1 / Math.sqrt(dh);
  const t = new Tape();
  const specs = paramSpecs(config);
  const params = new Map(specs.map((s) => [s.name, { name: s.name, grad: true } as Value]));
  const p = (name: string): Value => {
    const v = params.get(name);
    if (!v) throw new Error(`buildAcgTrainOnnx: no parameter ${name}`);
    return v;
  };
  const linear = (x: Value, prefix: string) => t.gemm(x, p(`${prefix}.weight`), p(`${prefix}.bias`));

  // Frozen per-batch quantities (no gradient).
  const X = TRAIN_IO.features;
  const XT = t.node('Transpose', [X], [attrInts('perm', [0, 2, 1])]); // [B, d, n]
  const shapeX = t.node('Shape', [X]);
  const batch = t.node('Slice', [shapeX, t.ints([0]), t.ints([1])]); // int64 [1]
  const invNormX = t.node('Reciprocal', [t.node('Sqrt', [t.reduce('ReduceSumSquare', X, [-1], true)])]); // [B, n, 1]
  const wOver2m = modularityWeights(t, t.node('Mul', [X, invNormX]));
  const features: Value = { name: X, grad: false };
  // Every 2-D activation has B·k rows (the concepts).
  t.rowOnes = t.node(
    'ConstantOfShape',
    [t.node('Concat', [t.ints([1]), t.node('Mul', [batch, t.ints([k])])], [attrInt('axis', 0)])],
    [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: floatTensor('one', [1], new Float32Array([1])) }],
  );

  /**
   * Re-associated cross-attention (method notes §2): per head softmax((Q_h W_k,h) Xᵀ/√dh) X W_v,hᵀ + b_v,h. The
   * n pixels are never projected and the key bias is not used (it cancels in the softmax).
   */
  const crossAttention = (pre: string, c: Value): Value => {
    const q = linear(c, `${pre}.q_proj`);
    const qh = t.transpose(t.reshape(q, [-1, h, dh]), [1, 0, 2]); // [h, B·k, dh]
    // W_k (TF.js [d_in, d_out]) as per-head blocks [h, dh, d_in]: Q̃_h = Q_h W_k,hᵀ.
    const wk = t.transpose(t.reshape(p(`${pre}.k_proj.weight`), [d, h, dh]), [1, 2, 0]);
    const qtH = t.matmul(qh, wk, { alpha: scale }); // [h, B·k, d]
    // Per image one product with Xᵀ over all (head, prototype) rows: [B, h·k, d] · [B, d, n].
    const qt = t.reshape(t.transpose(t.reshape(qtH, [h, -1, k, d]), [1, 0, 2, 3]), [0, -1, d]);
    const attn = t.softmax(t.matmul(qt, { name: XT, grad: false }));
    const px = t.matmul(attn, features); // [B, h·k, d]
    const pxH = t.reshape(t.transpose(t.reshape(px, [-1, h, k, d]), [1, 0, 2, 3]), [h, -1, d]); // [h, B·k, d]
    const wv = t.transpose(t.reshape(p(`${pre}.v_proj.weight`), [d, h, dh]), [1, 0, 2]); // [h, d_in, dh]
    const v = t.reshape(t.transpose(t.matmul(pxH, wv), [1, 0, 2]), [-1, d]); // [B·k, d]
    return linear(t.addBias(v, p(`${pre}.v_proj.bias`)), `${pre}.o_proj`);
  };

  const selfAttention = (pre: string, c: Value): Value => {
    const split = (x: Value) => t.transpose(t.reshape(x, [-1, k, h, dh]), [0, 2, 1, 3]); // [B, h, k, dh]
    const q = split(linear(c, `${pre}.q_proj`));
    const kk = split(linear(c, `${pre}.k_proj`));
    const v = split(linear(c, `${pre}.v_proj`));
    const attn = t.softmax(t.matmul(q, kk, { transB: true, alpha: scale }));
    const o = t.reshape(t.transpose(t.matmul(attn, v), [0, 2, 1, 3]), [-1, d]);
    return linear(o, `${pre}.o_proj`);
  };

  let c = t.tileRows(p('prototypes'), batch, k, d);
  const norm = (l: number, i: number, x: Value) => t.layerNorm(x, p(`layers.${l}.norm${i}.weight`), p(`layers.${l}.norm${i}.bias`), lnEps);
  for (let l = 0; l < steps; l++) {
    const pre = `layers.${l}`;
    c = norm(l, 1, t.add(c, crossAttention(`${pre}.cross_attn`, c)));
    c = norm(l, 2, t.add(c, selfAttention(`${pre}.self_attn`, c)));
    const hid = linear(c, `${pre}.ffn.fc1`);
    c = norm(l, 3, t.add(c, linear(config.ffn === 'gelu' ? t.gelu(hid) : t.relu(hid), `${pre}.ffn.fc2`)));
  }
  // S = cos(X, C) = (X ĉᵀ) / |x_i|: [B, n, k].
  const chat = t.reshape(t.l2Normalize(c), [-1, k, d]);
  const s = t.mulConst(t.matmul(features, chat, { transB: true }), invNormX);
  const dS = modularityLossAndGradient(t, s.name, wOver2m, shapeX, k);

  t.backward(
    [[s, dS]],
    specs.map((spec) => ({ value: p(spec.name), shape: tfShape(spec), outName: TRAIN_IO.grad(spec.name) })),
  );
  t.emit('Sum', [TRAIN_IO.loss, ...specs.map((spec) => t.node('ReduceSum', [TRAIN_IO.grad(spec.name)], [attrInt('keepdims', 0)]))], [], [TRAIN_IO.check]);

  const g = t.graph;
  g.input(X, 'float', ['batch', 'n', d]);
  for (const spec of specs) g.input(spec.name, 'float', tfShape(spec));
  g.output(TRAIN_IO.loss, 'float', []);
  g.output(TRAIN_IO.check, 'float', []);
  for (const spec of specs) g.output(TRAIN_IO.grad(spec.name), 'float', tfShape(spec));
  return g.encode({
    name: 'acg_train',
    producer: '@acseg/acg',
    opset: 18,
    domains: { 'com.microsoft': 1 },
    metadata: { 'acseg.format': ACG_TRAIN_ONNX_FORMAT, 'acseg.config': JSON.stringify(config) },
  });
}

/** W_ij/2m [B, n, n] from unit-norm features (src/tf/loss.ts): A = relu(X̂X̂ᵀ) diagonal kept, W = A − k kᵀ/2m. */
function modularityWeights(t: Tape, xn: string): string {
  const a = t.node('Relu', [t.mm(xn, xn, { transB: true })]);
  const deg = t.reduce('ReduceSum', a, [2], true); // [B, n, 1]
  const twoM = t.reduce('ReduceSum', deg, [1], true); // [B, 1, 1]
  const outer = t.node('Mul', [deg, t.node('Transpose', [deg], [attrInts('perm', [0, 2, 1])])]);
  return t.node('Div', [t.node('Sub', [a, t.node('Div', [outer, twoM])]), twoM]);
}

/**
 * Writes the output `loss` = −(1/B) Σ_b Σ_ij (W_ij/2m) max_c S̄_ic S̄_jc and returns ∂loss/∂S [B, n, k].
 * The pair products are laid out [B, k, n, n] (n innermost: the elementwise ops vectorise, the reduction over
 * c runs over whole n×n slices). The gradient goes through the first maximizing c of each pair: ArgMax picks the
 * first index, as the strict `>` from c = 0 in src/tf/loss.ts; when every product is 0 it picks c = 0, whose
 * term S̄_i0 S̄_j0 = 0 gives no gradient: either S̄_j0 = 0 or the ReLU's [S_i0 > 0] is 0. With the one-hot mask
 * M_c,ij = [c*(i,j) = c], G_ic = Σ_j (W_ij/2m) M_c,ij S̄_jc is one batched product per (image, concept), and
 * Σ_ic S̄_ic G_ic = Σ_ij (W_ij/2m) δ_ij gives the loss without another pass over the pairs.
 */
function modularityLossAndGradient(t: Tape, s: string, wOver2m: string, shapeX: string, k: number): string {
  const sbar = t.node('Relu', [s]); // [B, n, k]
  const col = t.node('Unsqueeze', [t.node('Transpose', [sbar], [attrInts('perm', [0, 2, 1])]), t.ints([3])]); // [B, k, n, 1]
  // Outer products as a MatMul with inner dimension 1: twice as fast as a broadcast Mul in onnxruntime.
  const prod = t.mm(col, t.node('Transpose', [col], [attrInts('perm', [0, 1, 3, 2])])); // [B, k, n(i), n(j)]
  const best = t.node('ArgMax', [prod], [attrInt('axis', 1), attrInt('keepdims', 1), attrInt('select_last_index', 0)]); // [B, 1, n, n]
  const concepts = t.node('Reshape', [t.ints(Array.from({ length: k }, (_, c) => c)), t.ints([k, 1, 1])]); // folded by onnxruntime
  const onehot = t.node('Cast', [t.node('Equal', [best, concepts])], [attrInt('to', onnx.TensorProto.DataType.FLOAT)]); // [B, k, n, n]
  // (Cast + Mul beat Where(mask, W, 0) ≈ 2×: onnxruntime's Where broadcasts slowly.)
  const masked = t.node('Mul', [onehot, t.node('Unsqueeze', [wOver2m, t.ints([1])])]);
  const g = t.node('Transpose', [t.node('Squeeze', [t.mm(masked, col), t.ints([3])])], [attrInts('perm', [0, 2, 1])]); // G [B, n, k]
  const batchF = t.node('Cast', [t.node('Gather', [shapeX, t.ints([0])], [attrInt('axis', 0)])], [attrInt('to', onnx.TensorProto.DataType.FLOAT)]); // [1]
  const sum = t.node('ReduceSum', [t.node('Mul', [sbar, g])], [attrInt('keepdims', 0)]);
  t.emit('Neg', [t.node('Squeeze', [t.node('Div', [t.node('Unsqueeze', [sum, t.ints([0])]), batchF]), t.ints([0])])], [], [TRAIN_IO.loss]);
  const coef = t.node('Div', [t.scalar(-2), batchF]);
  return t.node('Where', [t.node('Greater', [s, t.scalar(0)]), t.node('Mul', [g, coef]), t.scalar(0)]);
}
