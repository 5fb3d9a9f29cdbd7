/**
 * The number of colour components in a JPEG's frame header (1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK), read by walking the
 * markers up to the first start-of-frame; undefined when `bytes` is not a JPEG or has no frame header before its scan.
 * Only what `decodeImage` needs to tell whether a browser shows the file as libvips decodes it (not CMYK).
 */
export function jpegComponents(bytes: Uint8Array): number | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    // Fill bytes before a marker.
    if (marker === 0xff) {
      at++;
      continue;
    }
    // Markers without a length: TEM, RSTn.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // a scan (or the end) before any frame header
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    // SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC): precision, height, width, then the component count.
    const frame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (frame) return at + 9 < bytes.length && length >= 8 ? bytes[at + 9] : undefined;
    if (length < 2) return undefined;
    at += 2 + length;
  }
  return undefined;
}
