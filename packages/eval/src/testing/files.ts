import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';

/** Test helper: writes an 8-bit grey PNG holding `values` (row-major). */
export async function writeGreyPng(file: string, width: number, height: number, values: ArrayLike<number>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await sharp(Buffer.from(Uint8Array.from(values)), { raw: { width, height, channels: 1 } })
    .png()
    .toFile(file);
}

/** Test helper: writes a JPEG of a flat colour. */
export async function writeJpeg(file: string, width: number, height: number, rgb: [number, number, number] = [120, 80, 40]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(rgb, p * 3);
  await sharp(Buffer.from(data), { raw: { width, height, channels: 3 } })
    .jpeg()
    .toFile(file);
}

/** Test helper: writes an 8-bit palette PNG (colour type 3) with the given palette and indices, by hand (zlib). */
export async function writePalettePng(
  file: string,
  width: number,
  height: number,
  palette: Array<[number, number, number]>,
  indices: ArrayLike<number>,
): Promise<void> {
  const { deflateSync, crc32 } = await import('node:zlib');
  const { writeFile } = await import('node:fs/promises');
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // palette
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = indices[y * width + x];
  await mkdir(dirname(file), { recursive: true });
  await writeFile(
    file,
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('PLTE', Buffer.from(palette.flat())),
      chunk('IDAT', deflateSync(rows)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}
