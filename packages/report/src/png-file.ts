import { crc32 } from 'node:zlib';

const SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);
const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/**
 * A PNG file from its chunks in order (each: length, type, data, CRC of type and data), assembled in one buffer:
 * the encoders' IDAT is most of the file, and copying it into a chunk and then into the file doubled its garbage.
 */
export function pngFile(chunks: ReadonlyArray<readonly [type: string, data: Uint8Array]>): Uint8Array {
  const png = new Uint8Array(chunks.reduce((n, [, data]) => n + 12 + data.length, SIGNATURE.length));
  const view = new DataView(png.buffer);
  png.set(SIGNATURE, 0);
  let at = SIGNATURE.length;
  for (const [name, data] of chunks) {
    const type = latin1(name);
    view.setUint32(at, data.length);
    png.set(type, at + 4);
    png.set(data, at + 8);
    view.setUint32(at + 8 + data.length, crc32(data, crc32(type)));
    at += 12 + data.length;
  }
  return png;
}
