import { AcsegError } from '@acseg/core';
import { W, type VitConfig, type VitWeights } from '../vit/config.js';
import { interpolatePositions } from '../vit/posEmbed.js';
import { attrFloat, attrInt, attrInts, floatTensor, floatValueInfo, int64Tensor, onnx, type OnnxNode, type OnnxTensor } from '@acseg/onnx-graph';

export const ACSEG_FORMAT = 'acseg-vit-onnx/1';
/** Graph output names of models this package writes (the first matches the Hub exports). */
export const OUTPUTS = { tokens: 'last_hidden_state', attention: 'attentions', keys: 'keys' } as const;

export interface BuildVitOptions {
  /** Square input side in pixels, a multiple of the patch size. */
  inputSize: number;
  /** Model identity recorded in the file's metadata (e.g. "dino-vits16"). */
  modelName?: string;
}

function transpose(t: Float32Array, rows: number, cols: number): Float32Array {
  const o = new Float32Array(t.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) o[c * rows + r] = t[r * cols + c];
  return o;
}

/**
 * Writes a DINO ViT as an ONNX graph (opset 17) from Hub-named weights: input
 * `pixel_values` [batch, 3, S, S]; outputs `last_hidden_state` [batch, n+1, d]
 * (after the final LayerNorm), `attentions` [batch, heads, n+1, n+1] (the last
 * block's softmax) and `keys` [batch, n+1, d] (the last block's keys).
 * Positional embeddings are bicubic-resized here when S differs from the
 * trained size. Returns the encoded ModelProto.
 */
export function buildVitOnnx(weights: VitWeights, config: VitConfig, options: BuildVitOptions): Uint8Array {
  const { dim: d, depth, heads: h, patchSize: p, layerNormEps: eps } = config;
  const S = options.inputSize;
  if (!Number.isInteger(S) || S < p || S % p !== 0) {
    throw new AcsegError('BAD_CONFIG', `input size ${S} is not a positive multiple of the patch size ${p}`);
  }
  const g = S / p;
  const dh = d / h;
  const nodes: OnnxNode[] = [];
  const inits: OnnxTensor[] = [];
  let counter = 0;
  const node = (op: string, inputs: string[], attrs: ReturnType<typeof attrInt>[] = [], out?: string): string => {
    const name = out ?? `${op.toLowerCase()}_${counter++}`;
    nodes.push({ opType: op, input: inputs, output: [name], name: `${op}_${counter++}`, attribute: attrs });
    return name;
  };
  const init = (name: string, dims: number[], data: Float32Array): string => { inits.push(floatTensor(name, dims, data)); return name; };
  const ints = (name: string, values: number[]): string => { inits.push(int64Tensor(name, values)); return name; };
  const wt = (name: string) => weights[name].data;
  const linear = (x: string, prefix: string, inDim: number, outDim: number): string => {
    const w = init(`${prefix}.weight_t`, [inDim, outDim], transpose(wt(`${prefix}.weight`), outDim, inDim));
    const b = init(`${prefix}.bias`, [outDim], wt(`${prefix}.bias`));
    return node('Add', [node('MatMul', [x, w]), b]);
  };
  const layerNorm = (x: string, prefix: string): string => {
    const s = init(`${prefix}.weight`, [d], wt(`${prefix}.weight`));
    const b = init(`${prefix}.bias`, [d], wt(`${prefix}.bias`));
    return node('LayerNormalization', [x, s, b], [attrInt('axis', -1), attrFloat('epsilon', eps)]);
  };

  // Patch embedding and CLS.
  const pw = init(W.patchW, [d, 3, p, p], wt(W.patchW));
  const pb = init(W.patchB, [d], wt(W.patchB));
  const conv = node('Conv', ['pixel_values', pw, pb], [attrInts('kernel_shape', [p, p]), attrInts('strides', [p, p])]);
  const flat = node('Reshape', [conv, ints('shape_flat', [0, d, -1])]);
  const patches = node('Transpose', [flat], [attrInts('perm', [0, 2, 1])]);
  const batch = node('Slice', [node('Shape', ['pixel_values']), ints('zero', [0]), ints('one', [1])]);
  const clsShape = node('Concat', [batch, ints('one_d', [1, d])], [attrInt('axis', 0)]);
  const cls = node('Expand', [init(W.cls, [1, 1, d], wt(W.cls)), clsShape]);
  const tokens = node('Concat', [cls, patches], [attrInt('axis', 1)]);
  const pos = interpolatePositions(wt(W.pos), d, config.gridSize, g);
  let x = node('Add', [tokens, init(W.pos, [1, g * g + 1, d], pos)]);

  const headsShape = ints('shape_heads', [0, 0, h, dh]);
  const mergeShape = ints('shape_merge', [0, 0, d]);
  const scale = init('attn_scale', [], new Float32Array([1 / Math.sqrt(dh)]));
  const invSqrt2 = init('gelu_inv_sqrt2', [], new Float32Array([Math.SQRT1_2]));
  const one = init('one_f', [], new Float32Array([1]));
  const half = init('half_f', [], new Float32Array([0.5]));
  let attn = '';
  let keys = '';
  for (let i = 0; i < depth; i++) {
    const b = W.block(i);
    const last = i === depth - 1;
    const y = layerNorm(x, `${b}layernorm_before`);
    const q = linear(y, `${b}attention.attention.query`, d, d);
    const k = linear(y, `${b}attention.attention.key`, d, d);
    const v = linear(y, `${b}attention.attention.value`, d, d);
    if (last) keys = node('Identity', [k], [], OUTPUTS.keys);
    const qh = node('Transpose', [node('Reshape', [q, headsShape])], [attrInts('perm', [0, 2, 1, 3])]);
    const kt = node('Transpose', [node('Reshape', [k, headsShape])], [attrInts('perm', [0, 2, 3, 1])]);
    const vh = node('Transpose', [node('Reshape', [v, headsShape])], [attrInts('perm', [0, 2, 1, 3])]);
    const scores = node('Mul', [node('MatMul', [qh, kt]), scale]);
    const probs = node('Softmax', [scores], [attrInt('axis', -1)], last ? OUTPUTS.attention : undefined);
    if (last) attn = probs;
    const ctx = node('Reshape', [node('Transpose', [node('MatMul', [probs, vh])], [attrInts('perm', [0, 2, 1, 3])]), mergeShape]);
    x = node('Add', [x, linear(ctx, `${b}attention.output.dense`, d, d)]);
    const y2 = linear(layerNorm(x, `${b}layernorm_after`), `${b}intermediate.dense`, d, config.mlpDim);
    const gelu = node('Mul', [node('Mul', [y2, node('Add', [node('Erf', [node('Mul', [y2, invSqrt2])]), one])]), half]);
    x = node('Add', [x, linear(gelu, `${b}output.dense`, config.mlpDim, d)]);
  }
  const fs = init(W.finalW, [d], wt(W.finalW));
  const fb = init(W.finalB, [d], wt(W.finalB));
  node('LayerNormalization', [x, fs, fb], [attrInt('axis', -1), attrFloat('epsilon', eps)], OUTPUTS.tokens);

  const n1 = g * g + 1;
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: '@acseg/backbone-dino',
    opsetImport: [{ domain: '', version: 17 }],
    metadataProps: Object.entries({
      'acseg.format': ACSEG_FORMAT,
      'acseg.model': options.modelName ?? 'dino-vit',
      'acseg.patch_size': String(p),
      'acseg.input_size': String(S),
      'acseg.dim': String(d),
      'acseg.depth': String(depth),
      'acseg.heads': String(h),
    }).map(([key, value]) => ({ key, value })),
    graph: {
      name: 'dino_vit',
      node: nodes,
      initializer: inits,
      input: [floatValueInfo('pixel_values', ['batch', 3, S, S])],
      output: [
        floatValueInfo(OUTPUTS.tokens, ['batch', n1, d]),
        floatValueInfo(attn, ['batch', h, n1, n1]),
        floatValueInfo(keys, ['batch', n1, d]),
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
