import type { FileHandle } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { AcsegError } from '@acseg/core';

/**
 * The zip container of an .npz (numpy's `savez` stores members, `savez_compressed` deflates them), read from its
 * central directory, zip64 included (numpy writes zip64 records for large members). Only what an .npz needs: member
 * names, method, sizes and where each member's bytes start.
 */
export interface ZipMember {
  name: string;
  /** 0: stored, 8: deflated. */
  method: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function bad(file: string, problem: string): AcsegError {
  return new AcsegError('BAD_INPUT', `${file}: ${problem}`, { file, hint: 'an .npz is written by np.savez or np.savez_compressed' });
}

async function readAt(fh: FileHandle, offset: number, length: number): Promise<DataView> {
  const buf = new Uint8Array(length);
  const { bytesRead } = await fh.read(buf, 0, length, offset);
  return new DataView(buf.buffer, 0, bytesRead);
}

function u64(v: DataView, at: number): number {
  return Number(v.getBigUint64(at, true));
}

/** The members of a zip file, in central-directory order. */
export async function listZip(fh: FileHandle, file: string): Promise<ZipMember[]> {
  const { size } = await fh.stat();
  const tailLen = Math.min(size, 22 + 65535);
  const tail = await readAt(fh, size - tailLen, tailLen);
  let at = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw bad(file, 'not a zip archive (no end-of-central-directory record)');
  let entries = tail.getUint16(at + 10, true);
  let cdSize = tail.getUint32(at + 12, true);
  let cdOffset = tail.getUint32(at + 16, true);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    if (at < 20 || tail.getUint32(at - 20, true) !== ZIP64_LOCATOR) throw bad(file, 'zip64 archive without its locator');
    const z = await readAt(fh, u64(tail, at - 20 + 8), 56);
    if (z.byteLength < 56 || z.getUint32(0, true) !== ZIP64_EOCD) throw bad(file, 'damaged zip64 end-of-central-directory record');
    entries = u64(z, 32);
    cdSize = u64(z, 40);
    cdOffset = u64(z, 48);
  }
  const cd = await readAt(fh, cdOffset, cdSize);
  if (cd.byteLength !== cdSize) throw bad(file, 'the central directory is cut short (truncated file)');
  const members: ZipMember[] = [];
  let p = 0;
  for (let e = 0; e < entries; e++) {
    if (p + 46 > cd.byteLength || cd.getUint32(p, true) !== CENTRAL) throw bad(file, `damaged central directory at entry ${e}`);
    const method = cd.getUint16(p + 10, true);
    let compressedSize = cd.getUint32(p + 20, true);
    let usize = cd.getUint32(p + 24, true);
    const nameLen = cd.getUint16(p + 28, true);
    const extraLen = cd.getUint16(p + 30, true);
    const commentLen = cd.getUint16(p + 32, true);
    let localHeader = cd.getUint32(p + 42, true);
    const name = new TextDecoder().decode(new Uint8Array(cd.buffer, p + 46, nameLen));
    // zip64 extra field: the 64-bit values of exactly the fields saturated above, in this order.
    for (let x = p + 46 + nameLen; x + 4 <= p + 46 + nameLen + extraLen;) {
      const id = cd.getUint16(x, true);
      const len = cd.getUint16(x + 2, true);
      if (id === 0x0001) {
        let q = x + 4;
        if (usize === 0xffffffff) {
          usize = u64(cd, q);
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(cd, q);
          q += 8;
        }
        if (localHeader === 0xffffffff) localHeader = u64(cd, q);
      }
      x += 4 + len;
    }
    members.push({ name, method, compressedSize, size: usize, localHeader });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return members;
}

/** Absolute offset of a member's (stored or compressed) bytes. */
export async function memberDataStart(fh: FileHandle, m: ZipMember, file: string): Promise<number> {
  const h = await readAt(fh, m.localHeader, 30);
  if (h.byteLength < 30 || h.getUint32(0, true) !== LOCAL) throw bad(file, `damaged local header of member ${m.name}`);
  return m.localHeader + 30 + h.getUint16(26, true) + h.getUint16(28, true);
}

/** A deflated member's bytes, inflated whole (used for one image's array, never for a stacked one). */
export async function inflateMember(fh: FileHandle, m: ZipMember, file: string): Promise<Uint8Array> {
  const start = await memberDataStart(fh, m, file);
  const raw = new Uint8Array(m.compressedSize);
  await fh.read(raw, 0, raw.length, start);
  if (m.method === 0) return raw;
  if (m.method !== 8) throw bad(file, `member ${m.name} uses zip method ${m.method} (only stored and deflated are read)`);
  try {
    return new Uint8Array(inflateRawSync(raw));
  } catch (e) {
    throw bad(file, `member ${m.name} cannot be inflated (${(e as Error).message})`);
  }
}
