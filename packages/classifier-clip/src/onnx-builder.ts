import {
  attrFloat,
  attrFloats,
  attrInt,
  attrInts,
  floatTensor,
  floatValueInfo,
  int64Tensor,
  int64ValueInfo,
  onnx,
  type OnnxAttr,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from '@acseg/onnx-graph';

export type AttrValue = number | number[] | { int: number } | { ints: number[] };

/** A symbolic dimension (string) or a fixed one. */
export type Dim = number | string;

/**
 * A small helper over onnx-proto for writing inference graphs by hand:
 * initializers from Float32Arrays (raw little-endian data), nodes with
 * generated output names, graph inputs/outputs with symbolic dims.
 * Opset 17 (LayerNormalization) of the default domain.
 */
export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly inits: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private counter = 0;
  private readonly names = new Set<string>();

  /** A float initializer; returns its name. */
  constant(name: string, dims: readonly number[], data: Float32Array): string {
    const unique = this.unique(name);
    // A copy: the caller may reuse `data` before the graph is encoded.
    this.inits.push(floatTensor(unique, [...dims], new Float32Array(data)));
    return unique;
  }

  /** An int64 initializer (shapes, axes). */
  ints(name: string, values: readonly number[]): string {
    const unique = this.unique(name);
    this.inits.push(int64Tensor(unique, [...values]));
    return unique;
  }

  input(name: string, elem: 'float' | 'int64', dims: readonly Dim[]): string {
    this.names.add(name);
    this.inputs.push(valueInfo(name, elem, dims));
    return name;
  }

  output(tensor: string, elem: 'float' | 'int64', dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(tensor, elem, dims));
  }

  /** Adds one node; returns its (first) output name, or `outName` when given. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, outName?: string): string {
    const out = outName ?? this.unique(`${opType.toLowerCase()}_${this.counter++}`);
    if (outName) this.names.add(outName);
    const attribute: OnnxAttr[] = Object.entries(attrs).map(([k, v]) => attr(k, v));
    this.nodes.push({ opType, input: [...inputs], output: [out], name: `${opType}_${this.nodes.length}`, attribute });
    return out;
  }

  /** Serializes an ONNX model (IR 8, opset 17). */
  encode(graphName: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: '@acseg/classifier-clip',
      opsetImport: [{ domain: '', version: 17 }],
      graph: { name: graphName, node: this.nodes, initializer: this.inits, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private unique(base: string): string {
    let name = base;
    let i = 1;
    while (this.names.has(name)) name = `${base}_${i++}`;
    this.names.add(name);
    return name;
  }
}

function attr(name: string, v: AttrValue): OnnxAttr {
  if (typeof v === 'number') return attrFloat(name, v);
  if (Array.isArray(v)) return attrFloats(name, v);
  if ('int' in v) return attrInt(name, v.int);
  return attrInts(name, v.ints);
}

function valueInfo(name: string, elem: 'float' | 'int64', dims: readonly Dim[]): OnnxValueInfo {
  return elem === 'float' ? floatValueInfo(name, dims) : int64ValueInfo(name, dims);
}
