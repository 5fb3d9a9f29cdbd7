import { GraphBuilder } from '@acseg/onnx-graph';
import { weight, type ClipConfig, type Weights } from './clip-config.js';
import { block, layerNorm, linear, valuePathBlock, type Tower } from './layers.js';

export const VISION_INPUT = 'pixel_values';
export const DENSE_OUTPUT = 'dense_features';

/**
 * The ONNX graph of CLIP's vision tower with MaskCLIP's dense output,
 * written from transformers' CLIPModel weights:
 * patch conv → [CLS; patches] + positions → pre-LN → blocks 0..L-2 →
 * last block's value path → post-LN → visual projection → drop CLS → L2 normalize.
 * Input `pixel_values` B × 3 × S × S (normalized); output `dense_features` B × (S/p)² × projection.
 */
export function buildVisionGraph(w: Weights, cfg: ClipConfig, file: string): Uint8Array {
  const g = new GraphBuilder();
  const v = cfg.vision;
  const t: Tower = { g, w, file, cfg: v };
  const grid = v.imageSize / v.patch;
  const n = grid * grid;
  const x = g.input(VISION_INPUT, 'float', ['batch', 3, v.imageSize, v.imageSize]);
  const conv = g.op(
    'Conv',
    [
      x,
      g.constant(
        'patch_embedding',
        [v.width, 3, v.patch, v.patch],
        weight(w, 'vision_model.embeddings.patch_embedding.weight', [v.width, 3, v.patch, v.patch], file),
      ),
    ],
    { kernel_shape: { ints: [v.patch, v.patch] }, strides: { ints: [v.patch, v.patch] } },
  );
  // B × width × g × g → B × n × width.
  const patches = g.op('Transpose', [g.op('Reshape', [conv, g.ints('flat', [0, v.width, n])])], { perm: { ints: [0, 2, 1] } });
  const cls = g.constant('class_embedding', [1, 1, v.width], weight(w, 'vision_model.embeddings.class_embedding', [v.width], file));
  const batch = g.op('Slice', [g.op('Shape', [x]), g.ints('s0', [0]), g.ints('s1', [1])]);
  const clsShape = g.op('Concat', [batch, g.ints('one_width', [1, v.width])], { axis: { int: 0 } });
  let h = g.op('Concat', [g.op('Expand', [cls, clsShape]), patches], { axis: { int: 1 } });
  h = g.op('Add', [
    h,
    g.constant('position_embedding', [1, n + 1, v.width], weight(w, 'vision_model.embeddings.position_embedding.weight', [n + 1, v.width], file)),
  ]);
  h = layerNorm(t, h, 'vision_model.pre_layrnorm', v.width);
  for (let i = 0; i < v.layers - 1; i++) h = block(t, h, `vision_model.encoder.layers.${i}`);
  h = valuePathBlock(t, h, `vision_model.encoder.layers.${v.layers - 1}`);
  h = layerNorm(t, h, 'vision_model.post_layernorm', v.width);
  const tokens = g.op('Slice', [h, g.ints('p0', [1]), g.ints('p1', [n + 1]), g.ints('p_axis', [1])]);
  const proj = linear(t, tokens, 'visual_projection', v.width, cfg.projection, false);
  const norm = g.op('ReduceL2', [proj], { axes: { ints: [-1] }, keepdims: { int: 1 } });
  const eps = g.constant('norm_eps', [], new Float32Array([1e-12]));
  g.op('Div', [proj, g.op('Max', [norm, eps])], {}, DENSE_OUTPUT);
  g.output(DENSE_OUTPUT, 'float', ['batch', n, cfg.projection]);
  return g.encode({ name: 'clip_maskclip_dense', producer: '@acseg/classifier-clip' });
}
