import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeRgbPng } from './rgb-png.js';

/** Deterministic bytes that exercise every borrow case of the four-at-a-time subtraction (0, 255, small, large). */
function bytes(n: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  return Uint8Array.from({ length: n }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return i % 7 === 0 ? 0 : i % 11 === 0 ? 255 : s >>> 24;
  });
}

async function decoded(png: Uint8Array): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

describe('encodeRgbPng: RGB PNG, rows filtered Up, Huffman-coded', () => {
  it('libvips decodes every size to exactly the pixels given (widths with and without 4-byte rows, one row, one column)', async () => {
    for (const [w, h] of [
      [4, 3],
      [480, 360],
      [5, 7],
      [333, 17],
      [1, 9],
      [13, 1],
    ]) {
      const data = bytes(w * h * 3, w * 31 + h);
      const out = await decoded(encodeRgbPng(data, w, h));
      expect([out.width, out.height, out.channels]).toEqual([w, h, 3]);
      expect(out.data.equals(Buffer.from(data))).toBe(true);
    }
  });

  it('a view that does not start on a 4-byte boundary encodes the same as a copy of it', async () => {
    const w = 8;
    const h = 6;
    const backing = bytes(w * h * 3 + 1, 5);
    const view = backing.subarray(1);
    const png = encodeRgbPng(view, w, h);
    expect(Buffer.from(png).equals(Buffer.from(encodeRgbPng(view.slice(), w, h)))).toBe(true);
    expect((await decoded(png)).data.equals(Buffer.from(view))).toBe(true);
  });

  it('smooth pictures compress (a gradient to under a fifth of its bytes: Huffman coding alone spends ≥ 1 bit a byte); a wrong length is refused', () => {
    const w = 64;
    const h = 64;
    const data = Uint8Array.from({ length: w * h * 3 }, (_, i) => (Math.floor(i / 3) % w) * 4);
    expect(encodeRgbPng(data, w, h).length).toBeLessThan(data.length / 5);
    expect(() => encodeRgbPng(data, w + 1, h)).toThrow(/12288 bytes for a 65×64 RGB image/);
  });

  it('buffers reused between images leave no trace: a small image after a large one encodes as it did first', async () => {
    const small = bytes(6 * 5 * 3, 3);
    const first = Buffer.from(encodeRgbPng(small, 6, 5));
    const large = bytes(50 * 40 * 3, 4);
    expect((await decoded(encodeRgbPng(large, 50, 40))).data.equals(Buffer.from(large))).toBe(true);
    expect(Buffer.from(encodeRgbPng(small, 6, 5)).equals(first)).toBe(true);
    expect((await decoded(first)).data.equals(Buffer.from(small))).toBe(true);
  });
});
