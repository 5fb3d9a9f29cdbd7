import { attention, layerNorm as layerNormNode, linear as linearNode, splitHeads, type GraphBuilder } from '@acseg/onnx-graph';
import { weight, type TowerConfig, type Weights } from './clip-config.js';

/** The weights of one tower, with the file they came from for messages. */
export interface Tower {
  g: GraphBuilder;
  w: Weights;
  file: string;
  cfg: TowerConfig;
}

/** y = x · Wᵀ (+ b), W of shape out × in. */
export function linear(t: Tower, x: string, name: string, inDim: number, outDim: number, bias = true): string {
  const w = weight(t.w, `${name}.weight`, [outDim, inDim], t.file);
  return linearNode(t.g, x, name, w, inDim, outDim, bias ? weight(t.w, `${name}.bias`, [outDim], t.file) : undefined);
}

export function layerNorm(t: Tower, x: string, name: string, dim: number): string {
  return layerNormNode(t.g, x, name, weight(t.w, `${name}.weight`, [dim], t.file), weight(t.w, `${name}.bias`, [dim], t.file), t.cfg.eps);
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
  const split = [0, 0, heads, d];
  const q = splitHeads(t.g, linear(t, x, `${p}.q_proj`, width, width), split, [0, 2, 1, 3]);
  const k = splitHeads(t.g, linear(t, x, `${p}.k_proj`, width, width), split, [0, 2, 3, 1]);
  const v = splitHeads(t.g, linear(t, x, `${p}.v_proj`, width, width), split, [0, 2, 1, 3]);
  return linear(t, attention(t.g, q, k, v, { headDim: d, dim: width, mask }).out, `${p}.out_proj`, width, width);
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
