import { GraphBuilder } from '@acseg/onnx-graph';
import { weight, type ClipConfig, type Weights } from './clip-config.js';
import { block, layerNorm, linear, type Tower } from './layers.js';

export const TEXT_IDS = 'input_ids';
export const TEXT_EOT = 'eot_onehot';
export const TEXT_OUTPUT = 'text_embeds';

/** Large negative score for masked (future) positions; exp() of it is exactly 0 in float32. */
const MASKED = -1e9;

/**
 * The ONNX graph of CLIP's text tower, written from transformers' CLIPModel
 * weights: token + position embeddings → causal pre-LN blocks → final LN →
 * the end-of-text token's state (selected by `eot_onehot`, B × T) → text projection.
 * Inputs `input_ids` B × L (int64, L ≤ context), `eot_onehot` B × L; output `text_embeds` B × projection (not normalized).
 * Attention is causal, so the end-of-text state does not depend on what follows it:
 * a batch only needs to be as long as its longest sequence (the same result as padding to 77).
 */
export function buildTextGraph(w: Weights, cfg: ClipConfig, file: string): Uint8Array {
  const g = new GraphBuilder();
  const c = cfg.text;
  const t: Tower = { g, w, file, cfg: c };
  const T = c.context;
  const ids = g.input(TEXT_IDS, 'int64', ['batch', 'length']);
  const eot = g.input(TEXT_EOT, 'float', ['batch', 'length']);
  // The sequence length L ≤ context of this batch: positions and mask are cut to L.
  const len = g.op('Slice', [g.op('Shape', [ids]), g.ints('s1', [1]), g.ints('s2', [2])]);
  const table = g.constant('token_embedding', [c.vocab, c.width], weight(w, 'text_model.embeddings.token_embedding.weight', [c.vocab, c.width], file));
  let h = g.op('Gather', [table, ids], { axis: { int: 0 } });
  const pos = g.constant('position_embedding', [1, T, c.width], weight(w, 'text_model.embeddings.position_embedding.weight', [T, c.width], file));
  h = g.op('Add', [h, g.op('Slice', [pos, g.ints('zero', [0]), len, g.ints('axis_1', [1])])]);
  const mask = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) mask[i * T + j] = MASKED;
  const lenLen = g.op('Concat', [len, len], { axis: { int: 0 } });
  const maskName = g.op('Slice', [g.constant('causal_mask', [T, T], mask), g.ints('zeros', [0, 0]), lenLen, g.ints('axes_01', [0, 1])]);
  for (let i = 0; i < c.layers; i++) h = block(t, h, `text_model.encoder.layers.${i}`, maskName);
  h = layerNorm(t, h, 'text_model.final_layer_norm', c.width);
  // (B × 1 × T) · (B × T × width) → B × 1 × width: the end-of-text state.
  const sel = g.op('MatMul', [g.op('Unsqueeze', [eot, g.ints('axis1', [1])]), h]);
  const pooled = g.op('Reshape', [sel, g.ints('pooled_shape', [0, c.width])]);
  const out = linear(t, pooled, 'text_projection', c.width, cfg.projection, false);
  g.op('Identity', [out], {}, TEXT_OUTPUT);
  g.output(TEXT_OUTPUT, 'float', ['batch', cfg.projection]);
  return g.encode({ name: 'clip_text', producer: '@acseg/classifier-clip' });
}
