import { onnx, type OnnxModel, type OnnxValueInfo } from '@acseg/onnx-graph';
import protobuf from 'protobufjs/minimal.js';
import { concatBytes } from '@acseg/safetensors';

/** Field numbers from onnx.proto: ModelProto.graph = 7, GraphProto.output = 12. */
const MODEL_GRAPH_FIELD = 7;
const GRAPH_OUTPUT_FIELD = 12;

/** A length-delimited field's tag and length prefix (protobufjs's varint writer). */
function fieldHeader(field: number, length: number): Uint8Array {
  return protobuf.Writer.create()
    .uint32(field * 8 + 2)
    .uint32(length)
    .finish();
}

/**
 * Where the (last) `graph` field of a serialized ModelProto lies: the byte
 * range of its tag+length and of its payload. Walks the top-level fields only
 * (protobufjs's reader: varints, and skipping the fields of other numbers).
 */
export function locateGraph(bytes: Uint8Array): { headerStart: number; start: number; end: number } {
  const reader = protobuf.Reader.create(bytes);
  let found: { headerStart: number; start: number; end: number } | undefined;
  try {
    while (reader.pos < reader.len) {
      const headerStart = reader.pos;
      const tag = reader.uint32();
      if (tag >>> 3 === MODEL_GRAPH_FIELD && (tag & 7) === 2) {
        const length = reader.uint32();
        found = { headerStart, start: reader.pos, end: reader.pos + length };
        reader.skip(length);
      } else reader.skipType(tag & 7);
    }
  } catch (e) {
    throw new Error(`truncated or malformed protobuf message (${(e as Error).message})`, { cause: e });
  }
  if (!found) throw new Error('the model has no graph');
  return found;
}

/**
 * Adds graph outputs to a serialized ModelProto without decoding and
 * re-encoding it: the new `output` entries are appended to the graph's
 * payload (protobuf merges repeated fields wherever they occur) and the
 * graph's length prefix is rewritten. Every other byte — including fields
 * onnx-proto does not know (newer IR versions) — is copied unchanged.
 */
export function appendGraphOutputs(bytes: Uint8Array, outputs: readonly OnnxValueInfo[]): Uint8Array {
  const extra: Uint8Array[] = outputs.map((vi) => {
    const body = onnx.ValueInfoProto.encode(onnx.ValueInfoProto.create(vi)).finish();
    return concatBytes([fieldHeader(GRAPH_OUTPUT_FIELD, body.length), body]);
  });
  return appendToGraph(bytes, concatBytes(extra));
}

/** Appends raw serialized fields to the graph payload of a ModelProto, rewriting only the graph's length prefix. */
export function appendToGraph(bytes: Uint8Array, fields: Uint8Array): Uint8Array {
  const { headerStart, start, end } = locateGraph(bytes);
  const header = fieldHeader(MODEL_GRAPH_FIELD, end - start + fields.length);
  return concatBytes([bytes.subarray(0, headerStart), header, bytes.subarray(start, end), fields, bytes.subarray(end)]);
}

/**
 * The last-block attention of a ViT graph: the output of the last Softmax in
 * the (topologically sorted) top-level graph whose result feeds a MatMul
 * (attention · V), directly or through Cast/Identity/Dropout nodes (the
 * exports of transformers' eager attention softmax in float32 and cast back).
 * Undefined when the graph has none.
 */
export function findLastAttentionSoftmax(model: OnnxModel): string | undefined {
  const nodes = model.graph?.node ?? [];
  const passThrough = new Set(['Cast', 'Identity', 'Dropout']);
  const feedsMatMul = (value: string, hops: number): boolean =>
    nodes.some(
      (m) =>
        m.input?.includes(value) &&
        (m.opType === 'MatMul' || (hops > 0 && passThrough.has(m.opType ?? '') && !!m.output?.[0] && feedsMatMul(m.output[0], hops - 1))),
    );
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (n.opType !== 'Softmax' || !n.output?.[0]) continue;
    if (feedsMatMul(n.output[0], 3)) return n.output[0];
  }
  return undefined;
}
