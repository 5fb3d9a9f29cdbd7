import { attrFloat, attrFloats, attrInt, attrInts, floatTensor, floatValueInfo, int64Tensor, int64ValueInfo, onnx } from './proto.js';
import type { OnnxAttr, OnnxNode, OnnxTensor, OnnxValueInfo } from './proto.js';

/** An attribute by value: number → FLOAT, number[] → FLOATS, { int } → INT, { ints } → INTS. */
export type AttrValue = number | number[] | { int: number } | { ints: number[] };

/** A symbolic dimension (string) or a fixed one. */
export type Dim = number | string;

export interface EncodeOptions {
  /** The graph's name. */
  name: string;
  producer: string;
  /** Opset of the default domain (default 17: LayerNormalization). */
  opset?: number;
  /** Other operator domains used, with their versions (e.g. `{ 'com.microsoft': 1 }`). */
  domains?: Record<string, number>;
  /** Model metadata (`metadata_props`). */
  metadata?: Record<string, string>;
}

/** [rows, cols] row-major → [cols, rows] (a torch Linear weight [out, in] → [in, out], so that x·W is a plain MatMul). */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  if (data.length !== rows * cols) throw new Error(`transpose: ${data.length} values for [${rows}, ${cols}]`);
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

function sameTensor(a: OnnxTensor, b: OnnxTensor): boolean {
  const ra = a.rawData!;
  const rb = b.rawData!;
  if (a.dataType !== b.dataType || String(a.dims) !== String(b.dims) || ra.length !== rb.length) return false;
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return false;
  return true;
}

function toAttr(name: string, v: AttrValue): OnnxAttr {
  if (typeof v === 'number') return attrFloat(name, v);
  if (Array.isArray(v)) return attrFloats(name, v);
  if ('int' in v) return attrInt(name, v.int);
  return attrInts(name, v.ints);
}

function isAttrList(a: Record<string, AttrValue> | readonly OnnxAttr[]): a is readonly OnnxAttr[] {
  return Array.isArray(a);
}

/**
 * Writes an inference or training graph by hand: nodes with generated output
 * names (`<op>_<id>`), initializers from typed arrays (raw little-endian data),
 * inputs and outputs with symbolic dims, and the encoded ModelProto (IR 8).
 * An initializer written twice under one name with the same data is written
 * once (shared shapes, scales); with other data the second gets a fresh name.
 * Initializer data is referenced, not copied: leave it unchanged until `encode`.
 */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly inits: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private readonly initByName = new Map<string, OnnxTensor>();
  private readonly names = new Set<string>();
  private counter = 0;

  /** A float initializer; returns its name. */
  constant(name: string, dims: readonly number[], data: Float32Array): string {
    return this.raw(floatTensor(name, [...dims], data));
  }

  /** An int64 initializer (shapes, axes). */
  ints(name: string, values: readonly number[]): string {
    return this.raw(int64Tensor(name, [...values]));
  }

  /** Any initializer tensor (e.g. int8 data); the same rules as `constant`. */
  raw(tensor: OnnxTensor): string {
    const base = tensor.name!;
    const known = this.initByName.get(base);
    if (known && sameTensor(known, tensor)) return base;
    const name = known || this.names.has(base) ? this.unique(base) : (this.names.add(base), base);
    const t = name === base ? tensor : { ...tensor, name };
    this.initByName.set(name, t);
    this.inits.push(t);
    return name;
  }

  input(name: string, elem: 'float' | 'int64', dims: readonly Dim[]): string {
    this.names.add(name);
    this.inputs.push(elem === 'float' ? floatValueInfo(name, dims) : int64ValueInfo(name, dims));
    return name;
  }

  output(tensor: string, elem: 'float' | 'int64', dims: readonly Dim[]): void {
    this.outputs.push(elem === 'float' ? floatValueInfo(tensor, dims) : int64ValueInfo(tensor, dims));
  }

  /** One node; returns its output, named `out` when given. Attributes as values (`{ axis: { int: -1 } }`) or built (`[attrInt('axis', -1)]`). */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> | readonly OnnxAttr[] = {}, out?: string, domain?: string): string {
    return this.emit(opType, inputs, attrs, out === undefined ? 1 : [out], domain)[0];
  }

  /** One node with `outputs` fresh outputs, or the names given; returns them. */
  emit(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, AttrValue> | readonly OnnxAttr[] = {},
    outputs: number | readonly string[] = 1,
    domain?: string,
  ): string[] {
    const id = this.counter++;
    const outs =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, (_, i) => this.unique(`${opType.toLowerCase()}_${id}${outputs > 1 ? `_${i}` : ''}`))
        : outputs.map((o) => (this.names.add(o), o));
    const attribute = isAttrList(attrs) ? [...attrs] : Object.entries(attrs).map(([k, v]) => toAttr(k, v));
    this.nodes.push({ opType, input: [...inputs], output: outs, name: `${opType}_${id}`, attribute, ...(domain ? { domain } : {}) });
    return outs;
  }

  /** The ModelProto bytes (IR 8). */
  encode(options: EncodeOptions): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: options.producer,
      opsetImport: [{ domain: '', version: options.opset ?? 17 }, ...Object.entries(options.domains ?? {}).map(([domain, version]) => ({ domain, version }))],
      ...(options.metadata ? { metadataProps: Object.entries(options.metadata).map(([key, value]) => ({ key, value })) } : {}),
      graph: { name: options.name, node: this.nodes, initializer: this.inits, input: this.inputs, output: this.outputs },
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
