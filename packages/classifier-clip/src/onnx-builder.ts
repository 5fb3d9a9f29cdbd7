import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type INode = onnxProto.onnx.INodeProto;
type ITensor = onnxProto.onnx.ITensorProto;
type IAttr = onnxProto.onnx.IAttributeProto;
type IValueInfo = onnxProto.onnx.IValueInfoProto;

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const AT = onnx.AttributeProto.AttributeType;

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
  private readonly nodes: INode[] = [];
  private readonly inits: ITensor[] = [];
  private readonly inputs: IValueInfo[] = [];
  private readonly outputs: IValueInfo[] = [];
  private counter = 0;
  private readonly names = new Set<string>();

  /** A float initializer; returns its name. */
  constant(name: string, dims: readonly number[], data: Float32Array): string {
    const n = dims.reduce((a, b) => a * b, 1);
    if (data.length !== n) throw new Error(`initializer ${name}: ${data.length} values for shape [${dims.join(',')}]`);
    const unique = this.unique(name);
    // Copy: rawData must own an aligned little-endian buffer of exactly n floats.
    const raw = new Uint8Array(new Float32Array(data).buffer);
    this.inits.push({ name: unique, dims: [...dims], dataType: FLOAT, rawData: raw });
    return unique;
  }

  /** An int64 initializer (shapes, axes). */
  ints(name: string, values: readonly number[]): string {
    const unique = this.unique(name);
    this.inits.push({ name: unique, dims: [values.length], dataType: INT64, int64Data: [...values] });
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
    const attribute: IAttr[] = Object.entries(attrs).map(([k, v]) => attr(k, v));
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

function attr(name: string, v: AttrValue): IAttr {
  if (typeof v === 'number') return { name, type: AT.FLOAT, f: v };
  if (Array.isArray(v)) return { name, type: AT.FLOATS, floats: v };
  if ('int' in v) return { name, type: AT.INT, i: v.int };
  return { name, type: AT.INTS, ints: v.ints };
}

function valueInfo(name: string, elem: 'float' | 'int64', dims: readonly Dim[]): IValueInfo {
  return {
    name,
    type: {
      tensorType: {
        elemType: elem === 'float' ? FLOAT : INT64,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
