import onnxProto from 'onnx-proto';

/** The onnx namespace of onnx-proto (a CommonJS package): message classes generated from onnx.proto (IR version 8). */
export const onnx = onnxProto.onnx;
export type OnnxModel = InstanceType<typeof onnx.ModelProto>;
export type OnnxNode = onnxProto.onnx.INodeProto;
export type OnnxAttr = onnxProto.onnx.IAttributeProto;
export type OnnxTensor = onnxProto.onnx.ITensorProto;
export type OnnxValueInfo = onnxProto.onnx.IValueInfoProto;

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const A = onnx.AttributeProto.AttributeType;

export function attrInt(name: string, i: number): OnnxAttr {
  return { name, type: A.INT, i };
}
export function attrFloat(name: string, f: number): OnnxAttr {
  return { name, type: A.FLOAT, f };
}
export function attrInts(name: string, ints: number[]): OnnxAttr {
  return { name, type: A.INTS, ints };
}
export function attrFloats(name: string, floats: number[]): OnnxAttr {
  return { name, type: A.FLOATS, floats };
}

export function floatTensor(name: string, dims: number[], data: Float32Array): OnnxTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new Error(`initializer ${name}: ${data.length} values for shape [${dims.join(', ')}]`);
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

export function int64Tensor(name: string, values: number[]): OnnxTensor {
  const buf = new BigInt64Array(values.map((v) => BigInt(v)));
  return { name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(buf.buffer) };
}

/** A float tensor value-info; string dims are symbolic (e.g. "batch"). */
export function floatValueInfo(name: string, dims?: ReadonlyArray<number | string>): OnnxValueInfo {
  return valueInfo(name, FLOAT, dims);
}

/** An int64 tensor value-info (token ids, shapes); string dims are symbolic. */
export function int64ValueInfo(name: string, dims?: ReadonlyArray<number | string>): OnnxValueInfo {
  return valueInfo(name, INT64, dims);
}

function valueInfo(name: string, elemType: number, dims?: ReadonlyArray<number | string>): OnnxValueInfo {
  const shape = dims ? { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } : undefined;
  return { name, type: { tensorType: { elemType, shape } } };
}

/** Reads an integer-list or integer attribute of a node. */
export function nodeAttr(node: OnnxNode, name: string): OnnxAttr | undefined {
  return node.attribute?.find((a) => a.name === name) ?? undefined;
}

/** Number (or Long) to number. */
export function num(x: number | { toNumber(): number } | null | undefined): number {
  if (x === null || x === undefined) return 0;
  return typeof x === 'number' ? x : x.toNumber();
}
