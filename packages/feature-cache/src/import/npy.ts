import type { FileHandle } from 'node:fs/promises';
import { AcsegError } from '@acseg/core';
import type { Dtype } from '@acseg/safetensors';

/**
 * The .npy header (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html): magic `\x93NUMPY`, a
 * version byte pair, the header length (u16 in version 1, u32 in 2 and 3), then a Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (N, n, d), }` padded with spaces to a 64-byte boundary. Only the
 * header is read; rows are read later by offset, so a 30 GB array costs its header.
 */
export interface NpyHeader {
  /** numpy's type string, e.g. `<f4`, `<U12`. */
  descr: string;
  shape: number[];
  /** Absolute byte offset of the data in the file holding it (an .npy file, or an uncompressed .npz member). */
  dataStart: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** The safetensors dtype a float descr reads as, or null (not a little-endian float). */
export function floatDtype(descr: string): Dtype | null {
  const m = /^[<|]f([248])$/.exec(descr);
  if (!m) return null;
  return m[1] === '4' ? 'F32' : m[1] === '2' ? 'F16' : 'F64';
}

export function itemBytes(descr: string): number {
  const m = /^[<>|=]?[a-zA-Z](\d+)$/.exec(descr);
  if (!m) return 0;
  const n = Number(m[1]);
  return descr.includes('U') ? 4 * n : n;
}

function bad(label: string, problem: string, hint?: string): AcsegError {
  return new AcsegError('BAD_INPUT', `${label}: ${problem}`, { file: label, hint });
}

/** Reads `length` bytes at `offset` (fewer at the end of the data). */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

export function fileReader(fh: FileHandle): ReadAt {
  return async (offset, length) => {
    const buf = new Uint8Array(length);
    const { bytesRead } = await fh.read(buf, 0, length, offset);
    return buf.subarray(0, bytesRead);
  };
}

/** Parses the header at `offset`; `label` names the file (and member) in messages. */
export async function readNpyHeader(read: ReadAt, offset: number, label: string): Promise<NpyHeader> {
  const pre = await read(offset, 12);
  if (pre.length < 10 || MAGIC.some((b, i) => pre[i] !== b)) throw bad(label, 'not a .npy array (no \\x93NUMPY magic)');
  const major = pre[6];
  if (major < 1 || major > 3) throw bad(label, `.npy format version ${major} is not supported (1, 2 and 3 are)`);
  const view = new DataView(pre.buffer, pre.byteOffset, pre.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  const len = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const text = await read(offset + 8 + lenBytes, len);
  if (text.length !== len) throw bad(label, 'the .npy header is cut short (truncated file)');
  const dict = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(text);
  const descr = /'descr':\s*'([^']*)'/.exec(dict)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(dict)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(dict)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw bad(label, `the .npy header is not understood: ${dict.trim().slice(0, 120)}`);
  }
  if (fortran === 'True') throw bad(label, 'the array is stored in Fortran (column-major) order', 'save np.ascontiguousarray(x) instead');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) throw bad(label, `the .npy shape (${shapeText}) is not understood`);
  return { descr, shape, dataStart: offset + 8 + lenBytes + len };
}

/** Decodes a numpy string array (`<U` UTF-32 or `|S` bytes), e.g. image ids saved with `np.savez(..., ids=np.array(names))`. */
export function decodeStrings(descr: string, bytes: Uint8Array, count: number, label: string): string[] {
  const m = /^([<|])([US])(\d+)$/.exec(descr);
  if (!m) throw bad(label, `holds ${descr} values, not strings`, "save the ids as np.array(list_of_str) (dtype '<U...')");
  const width = Number(m[3]);
  const out: string[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) {
    let s = '';
    if (m[2] === 'U') {
      for (let j = 0; j < width; j++) {
        const cp = view.getUint32((i * width + j) * 4, true);
        if (cp === 0) break;
        s += String.fromCodePoint(cp);
      }
    } else {
      const row = bytes.subarray(i * width, (i + 1) * width);
      const end = row.indexOf(0);
      s = new TextDecoder().decode(end < 0 ? row : row.subarray(0, end));
    }
    out.push(s);
  }
  return out;
}
