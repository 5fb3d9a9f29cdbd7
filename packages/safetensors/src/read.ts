import { open, readFile } from 'node:fs/promises';
import { DTYPE_BYTES, SafetensorsError, elementCount, type Dtype, type Tensor, type TensorInfo } from './format.js';

export interface SafetensorsHeader {
  tensors: Record<string, TensorInfo>;
  metadata: Record<string, string>;
  /** Byte offset of the data section in the file. */
  dataStart: number;
}

const MAX_HEADER = 100 * 1024 * 1024;

/** Parses and checks the header of a safetensors buffer (or its first bytes). */
export function parseHeader(buf: Uint8Array, file?: string, fileSize = buf.length): SafetensorsHeader {
  if (buf.length < 8) throw new SafetensorsError('not a safetensors file: shorter than its 8-byte header length', file);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n <= 0 || n > MAX_HEADER || 8 + n > fileSize)
    throw new SafetensorsError(`not a safetensors file: header length ${n} does not fit a ${fileSize}-byte file`, file);
  if (buf.length < 8 + n) throw new SafetensorsError('truncated header', file);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch {
    throw new SafetensorsError('not a safetensors file: the header is not JSON', file);
  }
  const metadata = (json.__metadata__ ?? {}) as Record<string, string>;
  const tensors: Record<string, TensorInfo> = {};
  const dataLen = fileSize - 8 - n;
  for (const [name, info] of Object.entries(json)) {
    if (name === '__metadata__') continue;
    const t = info as TensorInfo;
    if (!t || !(t.dtype in DTYPE_BYTES) || !Array.isArray(t.shape) || !Array.isArray(t.data_offsets)) {
      throw new SafetensorsError(`tensor "${name}" has a malformed header entry`, file);
    }
    const [b, e] = t.data_offsets;
    const expected = elementCount(t.shape) * DTYPE_BYTES[t.dtype];
    if (e - b !== expected)
      throw new SafetensorsError(`tensor "${name}" (${t.dtype} ${JSON.stringify(t.shape)}) needs ${expected} bytes, header gives ${e - b}`, file);
    if (b < 0 || e > dataLen) throw new SafetensorsError(`tensor "${name}" lies past the end of the file (truncated?)`, file);
    tensors[name] = t;
  }
  return { tensors, metadata, dataStart: 8 + n };
}

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Decodes one tensor's bytes. Float types come back as Float32Array. */
export function decodeTensor(dtype: Dtype, shape: number[], bytes: Uint8Array): Tensor {
  const n = elementCount(shape);
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  switch (dtype) {
    case 'F32':
      return { dtype, shape, data: new Float32Array(copy.buffer, 0, n) };
    case 'F64': {
      const o = new Float32Array(n);
      for (let i = 0; i < n; i++) o[i] = view.getFloat64(i * 8, true);
      return { dtype, shape, data: o };
    }
    case 'F16': {
      const o = new Float32Array(n);
      for (let i = 0; i < n; i++) o[i] = f16ToF32(view.getUint16(i * 2, true));
      return { dtype, shape, data: o };
    }
    case 'BF16': {
      const o = new Float32Array(n);
      const u = new Uint32Array(o.buffer);
      for (let i = 0; i < n; i++) u[i] = view.getUint16(i * 2, true) << 16;
      return { dtype, shape, data: o };
    }
    case 'I32':
      return { dtype, shape, data: new Int32Array(copy.buffer, 0, n) };
    case 'I64':
      return { dtype, shape, data: new BigInt64Array(copy.buffer, 0, n) };
    case 'I16':
      return { dtype, shape, data: new Int16Array(copy.buffer, 0, n) };
    case 'U16':
      return { dtype, shape, data: new Uint16Array(copy.buffer, 0, n) };
    case 'I8':
      return { dtype, shape, data: new Int8Array(copy.buffer, 0, n) };
    case 'U8':
    case 'BOOL':
      return { dtype, shape, data: copy };
  }
}

/** Parses a whole safetensors buffer. */
export function parseSafetensors(buf: Uint8Array, file?: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const h = parseHeader(buf, file);
  const tensors: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(h.tensors)) {
    tensors[name] = decodeTensor(t.dtype, t.shape, buf.subarray(h.dataStart + t.data_offsets[0], h.dataStart + t.data_offsets[1]));
  }
  return { tensors, metadata: h.metadata };
}

/** Reads a whole safetensors file into memory. */
export async function readSafetensors(path: string): Promise<{ tensors: Record<string, Tensor>; metadata: Record<string, string> }> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new SafetensorsError(`cannot read: ${(e as Error).message}`, path);
  }
  return parseSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), path);
}

/** Reads only the header (names, shapes, metadata) of a file, without its data. */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const fh = await open(path, 'r').catch((e: Error) => {
    throw new SafetensorsError(`cannot read: ${e.message}`, path);
  });
  try {
    const { size } = await fh.stat();
    const lenBuf = new Uint8Array(8);
    await fh.read(lenBuf, 0, 8, 0);
    if (size < 8) throw new SafetensorsError('not a safetensors file: shorter than its 8-byte header length', path);
    const n = Number(new DataView(lenBuf.buffer).getBigUint64(0, true));
    if (n <= 0 || n > MAX_HEADER || 8 + n > size)
      throw new SafetensorsError(`not a safetensors file: header length ${n} does not fit a ${size}-byte file`, path);
    const buf = new Uint8Array(8 + n);
    await fh.read(buf, 0, 8 + n, 0);
    return parseHeader(buf, path, size);
  } finally {
    await fh.close();
  }
}

/** Reads selected tensors of a file by seeking to them (for large shard files). */
export async function readTensors(path: string, header: SafetensorsHeader, names: readonly string[]): Promise<Record<string, Tensor>> {
  const fh = await open(path, 'r');
  try {
    const out: Record<string, Tensor> = {};
    for (const name of names) {
      const t = header.tensors[name];
      if (!t) throw new SafetensorsError(`has no tensor "${name}"`, path);
      const bytes = new Uint8Array(t.data_offsets[1] - t.data_offsets[0]);
      await fh.read(bytes, 0, bytes.length, header.dataStart + t.data_offsets[0]);
      out[name] = decodeTensor(t.dtype, t.shape, bytes);
    }
    return out;
  } finally {
    await fh.close();
  }
}
