import { AcsegError } from '@acseg/core';
import { attention, attrInt, attrInts, gelu, GraphBuilder, layerNorm as layerNormNode, linear as linearNode, splitHeads } from '@acseg/onnx-graph';
import { FAMILY_NAMES } from '../vit/families.js';
import { type VitConfig, type VitWeights } from '../vit/config.js';
import { interpolatePositions } from '../vit/pos-embed.js';
import { ropeTables } from '../vit/rope.js';

export const ACSEG_FORMAT = 'acseg-vit-onnx/1';
/** Graph output names of models this package writes (the first matches the Hub exports). */
export const OUTPUTS = { tokens: 'last_hidden_state', attention: 'attentions', keys: 'keys' } as const;

export interface InputShape {
  height: number;
  width: number;
}

export interface BuildVitOptions {
  /** Input side (square), or height × width, in pixels: multiples of the patch size. */
  inputSize: number | InputShape;
  /** Model identity recorded in the file's metadata (e.g. "dino-vits16"). */
  modelName?: string;
}

export function inputShape(size: number | InputShape): InputShape {
  return typeof size === 'number' ? { height: size, width: size } : size;
}

/**
 * Writes a DINO / DINOv2 / DINOv3 ViT as an ONNX graph (opset 17) from
 * Hub-named weights: input `pixel_values` [batch, 3, H, W]; outputs
 * `last_hidden_state` [batch, 1 + R + n, d] (CLS, R registers, patches, after
 * the final LayerNorm), `attentions` [batch, heads, N, N] (the last block's
 * softmax) and `keys` [batch, N, d] (the last block's key projection, before
 * RoPE). Learned positions are bicubic-resized here for the input's grid;
 * RoPE's cos/sin tables are computed here for it. Returns the ModelProto bytes.
 */
export function buildVitOnnx(weights: VitWeights, config: VitConfig, options: BuildVitOptions): Uint8Array {
  const { dim: d, depth, heads: h, patchSize: p, layerNormEps: eps } = config;
  const family = config.family ?? 'dino';
  const names = FAMILY_NAMES[family];
  const R = config.registers ?? 0;
  const { height: H, width: Wd } = inputShape(options.inputSize);
  for (const [what, v] of [
    ['height', H],
    ['width', Wd],
  ] as const) {
    if (!Number.isInteger(v) || v < p || v % p !== 0) {
      throw new AcsegError('BAD_CONFIG', `input ${what} ${v} is not a positive multiple of the patch size ${p}`);
    }
  }
  const gh = H / p;
  const gw = Wd / p;
  const n = gh * gw;
  const N = 1 + R + n;
  const dh = d / h;
  const g = new GraphBuilder();
  const pixels = g.input('pixel_values', 'float', ['batch', 3, H, Wd]);
  const node = (op: string, inputs: string[], attrs: ReturnType<typeof attrInt>[] = [], out?: string): string => g.op(op, inputs, attrs, out);
  const init = (name: string, dims: number[], data: Float32Array): string => g.constant(name, dims, data);
  const ints = (name: string, values: number[]): string => g.ints(name, values);
  const wt = (name: string) => weights[name].data;
  // DINOv3's key projection has no bias.
  const linear = (x: string, prefix: string, inDim: number, outDim: number): string =>
    linearNode(g, x, prefix, wt(`${prefix}.weight`), inDim, outDim, weights[`${prefix}.bias`]?.data);
  const layerNorm = (x: string, prefix: string, out?: string): string => layerNormNode(g, x, prefix, wt(`${prefix}.weight`), wt(`${prefix}.bias`), eps, out);

  // Patch embedding, then [CLS, registers, patches] (+ learned positions on CLS and patches).
  const pw = init(`${names.patch}.weight`, [d, 3, p, p], wt(`${names.patch}.weight`));
  const pb = init(`${names.patch}.bias`, [d], wt(`${names.patch}.bias`));
  const conv = node('Conv', [pixels, pw, pb], [attrInts('kernel_shape', [p, p]), attrInts('strides', [p, p])]);
  let patches = node('Transpose', [node('Reshape', [conv, ints('shape_flat', [0, d, -1])])], [attrInts('perm', [0, 2, 1])]);
  const batch = node('Slice', [node('Shape', [pixels]), ints('zero', [0]), ints('one', [1])]);
  let clsInit = wt(names.cls);
  if (names.pos) {
    const pos = interpolatePositions(wt(names.pos), d, config.gridSize, { h: gh, w: gw }, config.positions === 'bicubic-aa');
    clsInit = clsInit.map((v, k) => v + pos[k]);
    patches = node('Add', [patches, init('patch_positions', [1, n, d], pos.subarray(d))]);
  }
  const cls = node('Expand', [init(names.cls, [1, 1, d], clsInit), node('Concat', [batch, ints('one_d', [1, d])], [attrInt('axis', 0)])]);
  const parts = [cls];
  if (R > 0)
    parts.push(node('Expand', [init(names.registers, [1, R, d], wt(names.registers)), node('Concat', [batch, ints('r_d', [R, d])], [attrInt('axis', 0)])]));
  parts.push(patches);
  let x = node('Concat', parts, [attrInt('axis', 1)]);

  // RoPE (DINOv3): q·cos + rotate_half(q)·sin on patch rows; CLS and register rows get cos 1, sin 0.
  let rope: { cos: string; sin: string; rot: string } | undefined;
  if (config.positions === 'rope') {
    const t = ropeTables(gh, gw, dh, config.ropeTheta ?? 100);
    const cos = new Float32Array(N * dh).fill(1);
    const sin = new Float32Array(N * dh);
    cos.set(t.cos, (1 + R) * dh);
    sin.set(t.sin, (1 + R) * dh);
    const rot = new Float32Array(dh * dh); // x·rot = rotate_half(x) = [−x₂, x₁]
    for (let j = 0; j < dh / 2; j++) {
      rot[(j + dh / 2) * dh + j] = -1;
      rot[j * dh + j + dh / 2] = 1;
    }
    rope = { cos: init('rope_cos', [N, dh], cos), sin: init('rope_sin', [N, dh], sin), rot: init('rope_rotate_half', [dh, dh], rot) };
  }
  const applyRope = (t: string): string => (rope ? node('Add', [node('Mul', [t, rope.cos]), node('Mul', [node('MatMul', [t, rope.rot]), rope.sin])]) : t);

  const heads = [0, 0, h, dh];
  const P = names.parts;
  const layerScale = (y: string, name: string | undefined): string => (name ? node('Mul', [y, init(name, [d], wt(name))]) : y);
  let attn = '';
  let keys = '';
  for (let i = 0; i < depth; i++) {
    const b = names.block(i);
    const last = i === depth - 1;
    const y = layerNorm(x, `${b}${P.norm1}`);
    const q = linear(y, `${b}${P.q}`, d, d);
    const k = linear(y, `${b}${P.k}`, d, d);
    const v = linear(y, `${b}${P.v}`, d, d);
    if (last) keys = node('Identity', [k], [], OUTPUTS.keys);
    const qh = applyRope(splitHeads(g, q, heads, [0, 2, 1, 3]));
    const kt = rope
      ? node('Transpose', [applyRope(splitHeads(g, k, heads, [0, 2, 1, 3]))], [attrInts('perm', [0, 1, 3, 2])])
      : splitHeads(g, k, heads, [0, 2, 3, 1]);
    const vh = splitHeads(g, v, heads, [0, 2, 1, 3]);
    const a = attention(g, qh, kt, vh, { headDim: dh, dim: d, probs: last ? OUTPUTS.attention : undefined });
    if (last) attn = a.probs;
    x = node('Add', [x, layerScale(linear(a.out, `${b}${P.o}`, d, d), P.ls1 && `${b}${P.ls1}`)]);
    const y2 = linear(layerNorm(x, `${b}${P.norm2}`), `${b}${P.fc1}`, d, config.mlpDim);
    x = node('Add', [x, layerScale(linear(gelu(g, y2), `${b}${P.fc2}`, config.mlpDim, d), P.ls2 && `${b}${P.ls2}`)]);
  }
  layerNorm(x, names.norm, OUTPUTS.tokens);

  g.output(OUTPUTS.tokens, 'float', ['batch', N, d]);
  g.output(attn, 'float', ['batch', h, N, N]);
  g.output(keys, 'float', ['batch', N, d]);
  return g.encode({
    name: `${family}_vit`,
    producer: '@acseg/backbone-dino',
    metadata: {
      'acseg.format': ACSEG_FORMAT,
      'acseg.model': options.modelName ?? `${family}-vit`,
      'acseg.family': family,
      'acseg.registers': String(R),
      'acseg.patch_size': String(p),
      'acseg.input_size': H === Wd ? String(H) : `${H}x${Wd}`,
      'acseg.dim': String(d),
      'acseg.depth': String(depth),
      'acseg.heads': String(h),
    },
  });
}
