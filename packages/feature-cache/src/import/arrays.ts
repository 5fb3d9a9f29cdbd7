import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { AcsegError } from '@acseg/core';
import { decodeTensor, elementCount, readSafetensorsHeader, type Dtype } from '@acseg/safetensors';
import { decodeStrings, fileReader, floatDtype, itemBytes, readNpyHeader, type NpyHeader, type ReadAt } from './npy.js';
import { inflateMember, listZip, memberDataStart, type ZipMember } from './zip.js';

/**
 * One array of an input file, read lazily: `rows` reads a run of rows of axis 0 by offset (a stacked [N, ...] array
 * is never read whole), `all` the whole array (one image's array). Floats come back as float32.
 */
export interface ArrayRef {
  /** The file, and the member or tensor inside it, for messages. */
  label: string;
  shape: number[];
  rows(first: number, count: number): Promise<Float32Array>;
  all(): Promise<Float32Array>;
}

/** An opened input file: its arrays by name (an .npy has one, named ""), plus string and scalar metadata. */
export interface ArrayFile {
  file: string;
  names: string[];
  get(name: string): Promise<ArrayRef>;
  /** A string list stored in the file (npz member `ids`, safetensors metadata `ids`), or undefined. */
  strings(name: string): Promise<string[] | undefined>;
  /** An integer stored in the file (npz member or safetensors metadata, e.g. `patch_size`), or undefined. */
  integer(name: string): Promise<number | undefined>;
  close(): Promise<void>;
}

/** Members of an .npz larger than this that are deflated cannot be read by rows; they are refused. */
export const MAX_INFLATED_BYTES = 256 * 2 ** 20;

function bad(label: string, problem: string, hint?: string): AcsegError {
  return new AcsegError('BAD_INPUT', `${label}: ${problem}`, { file: label, hint });
}

function floatRef(label: string, descr: string, shape: number[], read: ReadAt, dataStart: number, dtype: Dtype | null): ArrayRef {
  if (!dtype) throw bad(label, `holds ${descr} values; features must be float32, float16 or float64 (little-endian)`, 'save x.astype(np.float32)');
  const item = dtype === 'F32' ? 4 : dtype === 'F64' ? 8 : 2;
  const rowValues = elementCount(shape.slice(1));
  const take = async (first: number, count: number, rowShape: number[]): Promise<Float32Array> => {
    const want = count * rowValues * item;
    const bytes = await read(dataStart + first * rowValues * item, want);
    if (bytes.length !== want) throw bad(label, `rows ${first}..${first + count - 1} are cut short (the file is truncated)`);
    return decodeTensor(dtype, rowShape, bytes).data as Float32Array;
  };
  return {
    label,
    shape,
    rows: (first, count) => take(first, count, [count, ...shape.slice(1)]),
    all: () => (shape.length === 0 ? take(0, 1, []) : take(0, shape[0], shape)),
  };
}

function npyRef(label: string, h: NpyHeader, read: ReadAt): ArrayRef {
  return floatRef(label, h.descr, h.shape, read, h.dataStart, floatDtype(h.descr));
}

async function openHandle(file: string): Promise<FileHandle> {
  return open(file, 'r').catch((e: Error) => {
    throw bad(file, `cannot read (${e.message})`);
  });
}

async function openNpy(file: string): Promise<ArrayFile> {
  const fh = await openHandle(file);
  try {
    const read = fileReader(fh);
    const h = await readNpyHeader(read, 0, file);
    const ref = npyRef(file, h, read);
    return {
      file,
      names: [''],
      get: async (name) => {
        if (name) throw bad(file, `an .npy holds one array, not "${name}"`);
        return ref;
      },
      strings: async () => undefined,
      integer: async () => undefined,
      close: () => fh.close(),
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

async function openNpz(file: string): Promise<ArrayFile> {
  const fh = await openHandle(file);
  try {
    const read = fileReader(fh);
    const members = new Map<string, ZipMember>();
    for (const m of await listZip(fh, file)) members.set(m.name.replace(/\.npy$/, ''), m);
    /** The member's npy header and a reader of its bytes: by offset when stored, inflated whole when small enough. */
    const member = async (name: string): Promise<{ h: NpyHeader; read: ReadAt; label: string }> => {
      const m = members.get(name);
      const label = `${file} (${name})`;
      if (!m) throw bad(file, `has no array "${name}"`);
      if (m.method === 0) return { h: await readNpyHeader(read, await memberDataStart(fh, m, file), label), read, label };
      if (m.size > MAX_INFLATED_BYTES) {
        throw bad(
          label,
          `is compressed (np.savez_compressed) and ${(m.size / 2 ** 20).toFixed(0)} MB; a compressed array cannot be read by rows`,
          'save stacked arrays with np.savez (uncompressed) or np.save (.npy)',
        );
      }
      const bytes = await inflateMember(fh, m, file);
      const mem: ReadAt = async (offset, length) => bytes.subarray(offset, offset + length);
      return { h: await readNpyHeader(mem, 0, label), read: mem, label };
    };
    return {
      file,
      names: [...members.keys()],
      get: async (name) => {
        const { h, read: r, label } = await member(name);
        return npyRef(label, h, r);
      },
      strings: async (name) => {
        if (!members.has(name)) return undefined;
        const { h, read: r, label } = await member(name);
        if (h.shape.length !== 1) throw bad(label, `is a ${h.shape.length}-d array; ids must be a 1-d string array`);
        const bytes = await r(h.dataStart, h.shape[0] * itemBytes(h.descr));
        return decodeStrings(h.descr, bytes, h.shape[0], label);
      },
      integer: async (name) => {
        if (!members.has(name)) return undefined;
        const { h, read: r, label } = await member(name);
        const m = /^[<|]([iu])([1248])$/.exec(h.descr);
        if (!m || elementCount(h.shape) !== 1) throw bad(label, `must be one integer, is ${h.descr} ${JSON.stringify(h.shape)}`);
        const bytes = await r(h.dataStart, Number(m[2]));
        const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        return m[2] === '8' ? Number(v.getBigInt64(0, true)) : m[2] === '4' ? v.getInt32(0, true) : m[2] === '2' ? v.getInt16(0, true) : v.getInt8(0);
      },
      close: () => fh.close(),
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

async function openSafetensors(file: string): Promise<ArrayFile> {
  const header = await readSafetensorsHeader(file).catch((e: Error) => {
    throw bad(file, e.message.replace(`${file}: `, ''));
  });
  const fh = await openHandle(file);
  const read = fileReader(fh);
  const meta = header.metadata;
  return {
    file,
    names: Object.keys(header.tensors),
    get: async (name) => {
      const t = header.tensors[name];
      if (!t) throw bad(file, `has no tensor "${name}"`);
      const dtype = t.dtype === 'F32' || t.dtype === 'F16' || t.dtype === 'BF16' || t.dtype === 'F64' ? t.dtype : null;
      return floatRef(`${file} (${name})`, t.dtype, t.shape, read, header.dataStart + t.data_offsets[0], dtype);
    },
    strings: async (name) => {
      if (meta[name] === undefined) return undefined;
      let v: unknown;
      try {
        v = JSON.parse(meta[name]);
      } catch {
        v = undefined;
      }
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(file, `metadata "${name}" must be a JSON list of strings`);
      return v as string[];
    },
    integer: async (name) => {
      if (meta[name] === undefined) return undefined;
      const v = Number(meta[name]);
      if (!Number.isInteger(v)) throw bad(file, `metadata "${name}" must be an integer, is ${JSON.stringify(meta[name])}`);
      return v;
    },
    close: () => fh.close(),
  };
}

/** Opens an .npy, .npz or .safetensors file by its extension. */
export async function openArrayFile(file: string): Promise<ArrayFile> {
  const name = basename(file).toLowerCase();
  if (name.endsWith('.npy')) return openNpy(file);
  if (name.endsWith('.npz')) return openNpz(file);
  if (name.endsWith('.safetensors')) return openSafetensors(file);
  throw bad(file, 'is not an .npy, .npz or .safetensors file', 'torch .pt files: save with safetensors.torch.save_file, or numpy (see docs/byo-features.md)');
}
