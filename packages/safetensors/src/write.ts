import writeFileAtomic from 'write-file-atomic';
import { DTYPE_BYTES, SafetensorsError, elementCount, type Dtype, type TensorInfo } from './format.js';

export interface TensorToWrite {
  dtype?: Dtype;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array | BigInt64Array | Int8Array | Int16Array | Uint16Array | Float64Array;
}

function dtypeOf(t: TensorToWrite): Dtype {
  if (t.dtype) return t.dtype;
  if (t.data instanceof Float32Array) return 'F32';
  if (t.data instanceof Float64Array) return 'F64';
  if (t.data instanceof Int32Array) return 'I32';
  if (t.data instanceof BigInt64Array) return 'I64';
  if (t.data instanceof Int16Array) return 'I16';
  if (t.data instanceof Uint16Array) return 'U16';
  if (t.data instanceof Int8Array) return 'I8';
  return 'U8';
}

/**
 * A safetensors file as pieces: its header (length and JSON, padded to 8
 * bytes) and each tensor's bytes (views, not copies), in file order (tensors
 * sorted by name, as the reference implementation does). Their
 * concatenation is `serializeSafetensors`; writing the pieces one after the
 * other saves copying large tensors into one buffer.
 */
export function safetensorsPieces(tensors: Record<string, TensorToWrite>, metadata: Record<string, string> = {}): Uint8Array[] {
  const names = Object.keys(tensors).sort();
  const header: Record<string, TensorInfo | Record<string, string>> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const dtype = dtypeOf(t);
    const bytes = elementCount(t.shape) * DTYPE_BYTES[dtype];
    if (t.data.byteLength !== bytes)
      throw new SafetensorsError(`tensor "${name}": shape ${JSON.stringify(t.shape)} (${dtype}) needs ${bytes} bytes, data has ${t.data.byteLength}`);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces to 8 bytes so the data section is aligned.
  const enc = new TextEncoder();
  while ((enc.encode(json).length + 8) % 8 !== 0) json += ' ';
  const jb = enc.encode(json);
  const head = new Uint8Array(8 + jb.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(jb.length), true);
  head.set(jb, 8);
  return [
    head,
    ...names.map((name) => {
      const d = tensors[name].data;
      return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    }),
  ];
}

/** Serializes tensors (sorted by name, as the reference implementation does) and string metadata. */
export function serializeSafetensors(tensors: Record<string, TensorToWrite>, metadata: Record<string, string> = {}): Uint8Array {
  return concatBytes(safetensorsPieces(tensors, metadata));
}

/** The parts one after the other in one new array (offset 0, its own buffer). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** Writes a safetensors file atomically (write-file-atomic: temp file beside it, fsync, rename). */
export async function writeSafetensors(path: string, tensors: Record<string, TensorToWrite>, metadata: Record<string, string> = {}): Promise<void> {
  const bytes = serializeSafetensors(tensors, metadata);
  await writeFileAtomic(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
