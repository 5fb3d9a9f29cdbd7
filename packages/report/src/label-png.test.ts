import { decode, encode } from 'fast-png';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeLabelPng } from './label-png.js';
import { blendOverlay, encodeOverlayPng } from './overlay.js';
import { VOC_PALETTE } from './palette.js';

/** Maps of flat rectangles (as segmentations are) with some noise, every id 0..255 somewhere in the larger ones. */
function maps(): Array<{ width: number; height: number; data: Uint8Array }> {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  return [
    [1, 1],
    [1, 17],
    [17, 1],
    [3, 2],
    [480, 360],
    [333, 101],
  ].map(([width, height]) => {
    const data = new Uint8Array(width * height);
    for (let p = 0; p < data.length; p++) {
      const x = p % width;
      const y = Math.floor(p / width);
      data[p] = rand(50) === 0 ? rand(256) : ((x >> 5) * 7 + (y >> 4) * 13) % 256;
    }
    if (data.length > 256) for (let v = 0; v < 256; v++) data[v * 3] = v;
    return { width, height, data };
  });
}

describe('label PNG encoding', () => {
  it('decodes to the same indices, palette and format as the fast-png encoding it replaces', async () => {
    for (const m of maps()) {
      const ours = decode(encodeLabelPng(m.data, m.width, m.height));
      const before = decode(encode({ ...m, channels: 1, depth: 8, palette: VOC_PALETTE.map((c) => [c[0], c[1], c[2]]) }));
      expect([ours.width, ours.height, ours.depth, ours.channels]).toEqual([before.width, before.height, before.depth, before.channels]);
      expect(Buffer.from(ours.data as Uint8Array).equals(Buffer.from(m.data))).toBe(true);
      expect(ours.palette).toEqual(before.palette);
      // Another decoder (libvips) reads the same colours: index → VOC colour.
      const rgb = await sharp(encodeLabelPng(m.data, m.width, m.height))
        .removeAlpha()
        .raw()
        .toBuffer();
      const want = Buffer.alloc(m.data.length * 3);
      m.data.forEach((v, p) => want.set(VOC_PALETTE[v], 3 * p));
      expect(rgb.equals(want)).toBe(true);
    }
  });
});

describe('overlay PNG encoding', () => {
  it('decodes to the blended pixels, as the default compression did', async () => {
    const [m] = maps().filter((x) => x.width === 480);
    const image = { width: m.width, height: m.height, data: Uint8Array.from({ length: m.data.length * 3 }, (_, i) => (i * 37) % 251) };
    const blended = blendOverlay(image, m.data);
    const ours = await sharp(await encodeOverlayPng(blended, m.width, m.height))
      .raw()
      .toBuffer();
    const before = await sharp(
      await sharp(blended, { raw: { width: m.width, height: m.height, channels: 3 } })
        .png()
        .toBuffer(),
    )
      .raw()
      .toBuffer();
    expect(ours.equals(Buffer.from(blended))).toBe(true);
    expect(ours.equals(before)).toBe(true);
  });
});
