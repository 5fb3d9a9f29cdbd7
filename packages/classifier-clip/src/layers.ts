import { weight, type TowerConfig, type Weights } from './clip-config.js';
import type { GraphBuilder } from './onnx-builder.js';

/** out × in (torch Linear layout) → in × out, so that y = x · Wᵀ is a plain MatMul. */
export function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

/** The weights of one tower, with the file they came from for messages. */
export interface Tower {
  g: GraphBuilder;
  w: Weights;
  file: string;
  cfg: TowerConfig;
}

/** y = x · Wᵀ (+ b), W of shape out × in. */
export function linear(t: Tower, x: string, name: string, inDim: number, outDim: number, bias = true): string {
  const wt = transpose(weight(t.w, `${name}.weight`, [outDim, inDim], t.file), outDim, inDim);
  const y = t.g.op('MatMul', [x, t.g.constant(`${name}.weight`, [inDim, outDim], wt)]);
  if (!bias) return y;
  return t.g.op('Add', [y, t.g.constant(`${name}.bias`, [outDim], weight(t.w, `${name}.bias`, [outDim], t.file))]);
}

export function layerNorm(t: Tower, x: string, name: string, dim: number): string {
  const scale = t.g.constant(`${name}.weight`, [dim], weight(t.w, `${name}.weight`, [dim], t.file));
  const bias = t.g.constant(`${name}.bias`, [dim], weight(t.w, `${name}.bias`, [dim], t.file));
  return t.g.op('LayerNormalization', [x, scale, bias], { axis: { int: -1 }, epsilon: t.cfg.eps });
}

/** fc2(act(fc1(x))); quick_gelu(x) = x·σ(1.702x), gelu(x) = x·Φ(x). */
export function mlp(t: Tower, x: string, prefix: string): string {
  const { width, mlp: hidden } = t.cfg;
  const h = linear(t, x, `${prefix}.mlp.fc1`, width, hidden);
  let a: string;
  if (t.cfg.act === 'quick_gelu') {
    const s = t.g.op('Sigmoid', [t.g.op('Mul', [h, t.g.constant('c1702', [], new Float32Array([1.702]))])]);
    a = t.g.op('Mul', [h, s]);
  } else {
    const e = t.g.op('Erf', [t.g.op('Mul', [h, t.g.constant('inv_sqrt2', [], new Float32Array([Math.SQRT1_2]))])]);
    const one = t.g.constant('one', [], new Float32Array([1]));
    const half = t.g.constant('half', [], new Float32Array([0.5]));
    a = t.g.op('Mul', [t.g.op('Mul', [h, half]), t.g.op('Add', [e, one])]);
  }
  return linear(t, a, `${prefix}.mlp.fc2`, hidden, width);
}

/**
 * Multi-head self-attention of a pre-LN block on x (B × T × width):
 * softmax(q·kᵀ/√d + mask)·v per head, then out_proj. `mask` is T × T, added to the scores.
 */
export function selfAttention(t: Tower, x: string, prefix: string, mask?: string): string {
  const { width, heads } = t.cfg;
  const d = width / heads;
  const p = `${prefix}.self_attn`;
  const split = t.g.ints('split_heads', [0, 0, heads, d]);
  const toHeads = (y: string, perm: number[]): string => t.g.op('Transpose', [t.g.op('Reshape', [y, split])], { perm: { ints: perm } });
  const q = toHeads(linear(t, x, `${p}.q_proj`, width, width), [0, 2, 1, 3]);
  const k = toHeads(linear(t, x, `${p}.k_proj`, width, width), [0, 2, 3, 1]);
  const v = toHeads(linear(t, x, `${p}.v_proj`, width, width), [0, 2, 1, 3]);
  let s = t.g.op('Mul', [t.g.op('MatMul', [q, k]), t.g.constant('attn_scale', [], new Float32Array([1 / Math.sqrt(d)]))]);
  if (mask) s = t.g.op('Add', [s, mask]);
  const a = t.g.op('Softmax', [s], { axis: { int: -1 } });
  const o = t.g.op('Transpose', [t.g.op('MatMul', [a, v])], { perm: { ints: [0, 2, 1, 3] } });
  const merged = t.g.op('Reshape', [o, t.g.ints('merge_heads', [0, 0, width])]);
  return linear(t, merged, `${p}.out_proj`, width, width);
}

/** A full pre-LN transformer block: x + attn(LN1(x)), then + MLP(LN2(·)). */
export function block(t: Tower, x: string, prefix: string, mask?: string): string {
  const { width } = t.cfg;
  const h = t.g.op('Add', [x, selfAttention(t, layerNorm(t, x, `${prefix}.layer_norm1`, width), prefix, mask)]);
  return t.g.op('Add', [h, mlp(t, layerNorm(t, h, `${prefix}.layer_norm2`, width), prefix)]);
}

/**
 * MaskCLIP's last block (method notes §5): the value path only,
 * v = out_proj(W_v·LN1(x) + b_v); v = x + v; v = v + MLP(LN2(v)).
 */
export function valuePathBlock(t: Tower, x: string, prefix: string): string {
  const { width } = t.cfg;
  const p = `${prefix}.self_attn`;
  const v = linear(t, linear(t, layerNorm(t, x, `${prefix}.layer_norm1`, width), `${p}.v_proj`, width, width), `${p}.out_proj`, width, width);
  const h = t.g.op('Add', [x, v]);
  return t.g.op('Add', [h, mlp(t, layerNorm(t, h, `${prefix}.layer_norm2`, width), prefix)]);
}
