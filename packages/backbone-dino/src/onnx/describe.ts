import { AcsegError } from '@acseg/core';
import { modelNameFromPath } from '../model-name.js';
import { ACSEG_FORMAT, OUTPUTS } from './build-vit.js';
import { floatValueInfo, nodeAttr, num, onnx, type OnnxModel } from '@acseg/onnx-graph';
import { appendGraphOutputs, findLastAttentionSoftmax } from './surgery.js';
import { VIT_FAMILIES, type VitFamily } from '../vit/families.js';

/** What a Hub export's config.json says about the token layout (the graph does not say). */
export interface ModelHints {
  family?: VitFamily;
  /** Register tokens between CLS and the patches (config.json's num_register_tokens). */
  registers?: number;
}

/** What the backbone needs to know about a ViT ONNX file, and the bytes to load. */
export interface VitModelFile {
  file: string;
  layout: 'hub-onnx' | 'acseg-onnx';
  /** Model name for logs and caches (metadata, the file's name, or the folder name of a model.onnx). */
  name: string;
  patchSize: number;
  dim: number;
  /** The input side the graph requires, when its spatial dims are fixed and equal. */
  fixedInputSize?: number;
  /** The input height × width the graph requires, when its spatial dims are fixed. */
  fixedInputShape?: { height: number; width: number };
  /** DINO, DINOv2 or DINOv3, when the metadata or config.json says. */
  family?: VitFamily;
  /** Register tokens after CLS (0 unless declared by the metadata or config.json). */
  registers: number;
  /** The batch size the graph requires, when its batch dimension is fixed (a valid export may fix it at 1). */
  fixedBatch?: number;
  inputName: string;
  tokensOutput: string;
  attentionOutput: string;
  keysOutput?: string;
  /** The model bytes, with the attention output added when the file lacked it. */
  bytes: Uint8Array;
  /** True when the attention output was added at load time. */
  patched: boolean;
}

function badModel(file: string, problem: string): AcsegError {
  return new AcsegError('BAD_MODEL', `${file}: ${problem}`, {
    file,
    hint: 'expected a DINO, DINOv2 or DINOv3 ViT ONNX export (input "pixel_values" [batch, 3, H, W], output "last_hidden_state"), e.g. onnx/model.onnx of Xenova/dino-vits16 or Xenova/dinov2-small, or a model written by `acseg models convert`',
  });
}

/** Checks that `bytes` (read from `file`) is a ViT with the expected interface and exposes its last attention. */
export function describeVitModel(bytes: Uint8Array, file: string, hints: ModelHints = {}): VitModelFile {
  let model: OnnxModel;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw badModel(file, `not an ONNX model (${(e as Error).message})`);
  }
  const graph = model.graph;
  if (!graph || !graph.node?.length) throw badModel(file, 'not an ONNX model (no graph)');
  const initNames = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((i) => !initNames.has(i.name));
  const names = inputs.map((i) => `"${i.name}"`).join(', ');
  if (inputs.length !== 1 || inputs[0].name !== 'pixel_values') throw badModel(file, `has inputs ${names || '(none)'}, expected one input "pixel_values"`);
  const dims = inputs[0].type?.tensorType?.shape?.dim ?? [];
  const dimText = dims.map((x) => (x.dimParam ? x.dimParam : num(x.dimValue as number))).join(', ');
  if (dims.length !== 4 || (dims[1].dimValue !== undefined && dims[1].dimValue !== null && num(dims[1].dimValue as number) !== 3 && !dims[1].dimParam)) {
    throw badModel(file, `input "pixel_values" has shape [${dimText}], expected [batch, 3, H, W]`);
  }
  const fixedBatch = dims[0].dimParam ? 0 : num(dims[0].dimValue as number);
  const fixedH = dims[2].dimParam ? 0 : num(dims[2].dimValue as number);
  const fixedW = dims[3].dimParam ? 0 : num(dims[3].dimValue as number);
  const outputs = new Set((graph.output ?? []).map((o) => o.name));
  if (!outputs.has(OUTPUTS.tokens)) throw badModel(file, `has no output "${OUTPUTS.tokens}" (outputs: ${[...outputs].join(', ')})`);
  const conv = graph.node.find((n) => n.opType === 'Conv' && n.input?.[0] === 'pixel_values');
  if (!conv) throw badModel(file, 'has no patch-embedding convolution reading "pixel_values" (not a ViT?)');
  const strides = nodeAttr(conv, 'strides')?.ints?.map((v) => num(v as number)) ?? [];
  const weight = graph.initializer?.find((t) => t.name === conv.input?.[1]);
  const wdims = weight?.dims?.map((v) => num(v as number)) ?? [];
  if (strides.length !== 2 || strides[0] !== strides[1] || wdims.length !== 4 || wdims[2] !== strides[0]) {
    throw badModel(file, `the convolution on "pixel_values" is not a patch embedding (strides [${strides}], kernel [${wdims}])`);
  }
  const meta = Object.fromEntries((model.metadataProps ?? []).map((m) => [m.key, m.value]));
  const acseg = meta['acseg.format'] === ACSEG_FORMAT;
  const metaFamily = VIT_FAMILIES.find((f) => f === meta['acseg.family']);
  const metaRegisters = acseg && meta['acseg.registers'] !== undefined ? Number(meta['acseg.registers']) : undefined;
  let out = bytes;
  let attention = OUTPUTS.attention as string;
  let patched = false;
  if (!outputs.has(OUTPUTS.attention)) {
    const softmax = findLastAttentionSoftmax(model);
    if (!softmax) throw badModel(file, 'has no attention Softmax feeding a MatMul (not a ViT?)');
    attention = softmax;
    out = appendGraphOutputs(bytes, [floatValueInfo(softmax)]);
    patched = true;
  }
  return {
    file,
    layout: acseg ? 'acseg-onnx' : 'hub-onnx',
    name: (acseg && meta['acseg.model']) || modelNameFromPath(file),
    patchSize: strides[0],
    dim: wdims[0],
    fixedInputSize: fixedH && fixedH === fixedW ? fixedH : undefined,
    fixedInputShape: fixedH && fixedW ? { height: fixedH, width: fixedW } : undefined,
    family: acseg ? (metaFamily ?? 'dino') : hints.family,
    registers: (acseg ? metaRegisters : hints.registers) ?? 0,
    fixedBatch: fixedBatch > 0 ? fixedBatch : undefined,
    inputName: 'pixel_values',
    tokensOutput: OUTPUTS.tokens,
    attentionOutput: attention,
    keysOutput: outputs.has(OUTPUTS.keys) ? OUTPUTS.keys : undefined,
    bytes: out,
    patched,
  };
}
