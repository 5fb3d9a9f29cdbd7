/**
 * The safetensors layout (https://github.com/huggingface/safetensors):
 * 8-byte little-endian header length N, N bytes of JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {str: str} }`,
 * then the raw little-endian tensor bytes, offsets relative to the data start.
 */
export type Dtype = 'F32' | 'F16' | 'F64' | 'I32' | 'I64' | 'U8' | 'I8' | 'BF16' | 'I16' | 'U16' | 'BOOL';

export const DTYPE_BYTES: Record<Dtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I32: 4, I64: 8, U8: 1, I8: 1, I16: 2, U16: 2, BOOL: 1 };

export interface TensorInfo {
  dtype: Dtype;
  shape: number[];
  data_offsets: [number, number];
}

/** A tensor in memory. Float types are returned as Float32Array (F16/BF16/F64 are widened/narrowed). */
export interface Tensor {
  dtype: Dtype;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array | BigInt64Array | Int8Array | Int16Array | Uint16Array;
}

export class SafetensorsError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'SafetensorsError';
  }
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
