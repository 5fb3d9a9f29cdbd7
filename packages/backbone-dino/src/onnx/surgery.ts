import { onnx, type OnnxModel, type OnnxValueInfo } from '@acseg/onnx-graph';

/** Field numbers from onnx.proto: ModelProto.graph = 7, GraphProto.output = 12. */
const MODEL_GRAPH_FIELD = 7;
const GRAPH_OUTPUT_FIELD = 12;

function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    value += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return [value, pos];
    mul *= 128;
  }
  throw new Error('malformed varint');
}

function writeVarint(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/**
 * Where the (last) `graph` field of a serialized ModelProto lies: the byte
 * range of its tag+length and of its payload. Walks the top-level fields only.
 */
export function locateGraph(bytes: Uint8Array): { headerStart: number; start: number; end: number } {
  let pos = 0;
  let found: { headerStart: number; start: number; end: number } | undefined;
  while (pos < bytes.length) {
    const headerStart = pos;
    const [tag, p1] = readVarint(bytes, pos);
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    pos = p1;
    if (wire === 0) pos = readVarint(bytes, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [len, p2] = readVarint(bytes, pos);
      if (field === MODEL_GRAPH_FIELD) found = { headerStart, start: p2, end: p2 + len };
      pos = p2 + len;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (pos > bytes.length) throw new Error('truncated protobuf message');
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
    return concat([writeVarint(GRAPH_OUTPUT_FIELD * 8 + 2), writeVarint(body.length), body]);
  });
  return appendToGraph(bytes, concat(extra));
}

/** Appends raw serialized fields to the graph payload of a ModelProto, rewriting only the graph's length prefix. */
export function appendToGraph(bytes: Uint8Array, fields: Uint8Array): Uint8Array {
  const { headerStart, start, end } = locateGraph(bytes);
  const header = concat([writeVarint(MODEL_GRAPH_FIELD * 8 + 2), writeVarint(end - start + fields.length)]);
  return concat([bytes.subarray(0, headerStart), header, bytes.subarray(start, end), fields, bytes.subarray(end)]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
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
