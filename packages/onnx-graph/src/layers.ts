import { transpose, type GraphBuilder } from './builder.js';
import { attrFloat, attrInt, attrInts } from './proto.js';

/**
 * The node patterns the ViT, ACG and CLIP graphs share. Each writes exactly
 * the nodes those builders wrote by hand before, so their graphs compute the
 * same numbers (checked bit for bit on every builder when they moved here).
 */

/** y = x·Wᵀ (+ b) for a torch Linear weight W [out, in]: MatMul with the transposed weight, then Add. */
export function linear(g: GraphBuilder, x: string, name: string, weight: Float32Array, inDim: number, outDim: number, bias?: Float32Array): string {
  const y = g.op('MatMul', [x, g.constant(`${name}.weight_t`, [inDim, outDim], transpose(weight, outDim, inDim))]);
  return bias ? g.op('Add', [y, g.constant(`${name}.bias`, [outDim], bias)]) : y;
}

/** LayerNormalization over the last axis; `out` names its output. */
export function layerNorm(g: GraphBuilder, x: string, name: string, scale: Float32Array, bias: Float32Array, eps: number, out?: string): string {
  const dim = [scale.length];
  return g.op(
    'LayerNormalization',
    [x, g.constant(`${name}.weight`, dim, scale), g.constant(`${name}.bias`, dim, bias)],
    [attrInt('axis', -1), attrFloat('epsilon', eps)],
    out,
  );
}

/** Exact GELU, x·(1 + erf(x/√2))·½ (torch's default `gelu`). */
export function gelu(g: GraphBuilder, x: string): string {
  const invSqrt2 = g.constant('gelu_inv_sqrt2', [], new Float32Array([Math.SQRT1_2]));
  const one = g.constant('one_f', [], new Float32Array([1]));
  const half = g.constant('half_f', [], new Float32Array([0.5]));
  return g.op('Mul', [g.op('Mul', [x, g.op('Add', [g.op('Erf', [g.op('Mul', [x, invSqrt2])]), one])]), half]);
}

/** Reshape to `shape` (e.g. [0, 0, heads, dh]: batch, tokens, heads, dh), then Transpose by `perm` (e.g. [0, 2, 1, 3]). */
export function splitHeads(g: GraphBuilder, x: string, shape: readonly number[], perm: readonly number[]): string {
  return g.op('Transpose', [g.op('Reshape', [x, g.ints('shape_heads', shape)])], [attrInts('perm', [...perm])]);
}

/**
 * Scaled dot-product attention per head: softmax(q·kᵀ/√dh (+ mask))·v with
 * q [B, h, T, dh], kT [B, h, dh, S], v [B, h, S, dh]; the heads merged back by
 * Transpose [0, 2, 1, 3] and Reshape to `merge` (default [0, 0, h·dh]).
 * `mask` is added to the scores; `probs` names the softmax's output.
 */
export function attention(
  g: GraphBuilder,
  q: string,
  kT: string,
  v: string,
  o: { headDim: number; dim: number; mask?: string; probs?: string; merge?: readonly number[] },
): { out: string; probs: string } {
  let scores = g.op('Mul', [g.op('MatMul', [q, kT]), g.constant('attn_scale', [], new Float32Array([1 / Math.sqrt(o.headDim)]))]);
  if (o.mask) scores = g.op('Add', [scores, o.mask]);
  const probs = g.op('Softmax', [scores], [attrInt('axis', -1)], o.probs);
  const heads = g.op('Transpose', [g.op('MatMul', [probs, v])], [attrInts('perm', [0, 2, 1, 3])]);
  return { out: g.op('Reshape', [heads, g.ints('shape_merge', o.merge ?? [0, 0, o.dim])]), probs };
}
