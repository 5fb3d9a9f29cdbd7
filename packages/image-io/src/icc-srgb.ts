import { sharpLib } from './sharp.js';

/** TIFF tag ids and field types used below (TIFF 6.0; 34675 is the ICC profile tag of the TIFF/EP and ICC specs). */
const SHORT = 3;
const LONG = 4;
const UNDEFINED = 7;

/**
 * 8-bit RGB pixels stored in the colour space of `icc` (an embedded ICC profile, e.g. an iPhone's Display P3),
 * converted to sRGB by libvips' colour management (little CMS), as libvips converts a JPEG or PNG that carries the same
 * profile. sharp takes no input profile for raw pixels, so they go to libvips as an uncompressed TIFF that embeds the
 * profile: a container of a few header bytes around the pixels, written here rather than encoded by a library.
 */
export async function iccToSrgb(width: number, height: number, data: Uint8Array, icc: Uint8Array): Promise<Uint8Array> {
  const sharp = await sharpLib();
  const { data: out, info } = await sharp(rgbTiff(width, height, data, icc), { limitInputPixels: false })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height || info.channels !== 3) {
    throw new Error(`colour conversion gave ${info.width}×${info.height}×${info.channels}, expected ${width}×${height}×3`);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** An uncompressed, little-endian, one-strip RGB TIFF of the pixels with the ICC profile embedded. */
export function rgbTiff(width: number, height: number, data: Uint8Array, icc: Uint8Array): Buffer {
  if (data.length !== width * height * 3) throw new Error(`expected ${width * height * 3} bytes of RGB, got ${data.length}`);
  const entries: [tag: number, type: number, count: number, value: number][] = [];
  const ifdAt = 8;
  const ifdBytes = 2 + 11 * 12 + 4;
  const bitsAt = ifdAt + ifdBytes;
  const iccAt = bitsAt + 6;
  // Values and the strip start on even offsets, as TIFF asks.
  const pixelsAt = iccAt + icc.length + (icc.length % 2);
  entries.push(
    [256, LONG, 1, width],
    [257, LONG, 1, height],
    [258, SHORT, 3, bitsAt],
    [259, SHORT, 1, 1], // no compression
    [262, SHORT, 1, 2], // RGB
    [273, LONG, 1, pixelsAt],
    [277, SHORT, 1, 3],
    [278, LONG, 1, height],
    [279, LONG, 1, data.length],
    [284, SHORT, 1, 1], // chunky (RGBRGB...)
    [34675, UNDEFINED, icc.length, iccAt],
  );
  const out = Buffer.alloc(pixelsAt + data.length);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(ifdAt, 4);
  out.writeUInt16LE(entries.length, ifdAt);
  entries.forEach(([tag, type, count, value], i) => {
    const at = ifdAt + 2 + 12 * i;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(count, at + 4);
    // A single SHORT sits in the first two bytes of the value field; everything else here is a LONG or an offset.
    if (type === SHORT && count === 1) out.writeUInt16LE(value, at + 8);
    else out.writeUInt32LE(value, at + 8);
  });
  out.writeUInt32LE(0, ifdAt + 2 + 12 * entries.length); // no next IFD
  for (let c = 0; c < 3; c++) out.writeUInt16LE(8, bitsAt + 2 * c);
  out.set(icc, iccAt);
  out.set(data, pixelsAt);
  return out;
}
