import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureResult } from '@acseg/core';
import { HandcraftedBackbone } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-hc-pixels-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function collect(b: HandcraftedBackbone, images: string[]): Promise<FeatureResult[]> {
  const out: FeatureResult[] = [];
  for await (const r of b.extract(images)) out.push(r);
  return out;
}

/** A PNG whose header says width×height (RGB, 8 bit), with a tiny IDAT: only decoding it would cost the memory. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, body: Buffer) => {
    const tb = Buffer.concat([Buffer.from(type, 'latin1'), body]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(tb));
    return Buffer.concat([len, tb, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1000))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('the pixel limit', () => {
  it('refuses a 10000×10000 PNG from its header (default 64 MP) and keeps the rest of the batch', async () => {
    const huge = join(dir, 'huge.png');
    await writeFile(huge, pngHeaderOnly(10000, 10000));
    const ok = join(dir, 'ok.png');
    await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 10, b: 10 } } })
      .png()
      .toFile(ok);
    const [a, b] = await collect(new HandcraftedBackbone(), [huge, ok]);
    expect(a).toMatchObject({ ok: false, error: { code: 'BAD_IMAGE', message: `${huge}: the image is 10000×10000 (100 MP), above the limit of 64 MP` } });
    expect(b.ok).toBe(true);
  });

  it('follows the option maxPixels, else $ACSEG_MAX_PIXELS', async () => {
    const big = join(dir, 'big.png');
    await sharp({ create: { width: 60, height: 50, channels: 3, background: { r: 0, g: 90, b: 200 } } })
      .png()
      .toFile(big);
    const [r] = await collect(new HandcraftedBackbone({ maxPixels: 2999 }), [big]);
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_IMAGE', message: `${big}: the image is 60×50 (3000 pixels), above the limit of 2999 pixels` } });
    expect((await collect(new HandcraftedBackbone({ maxPixels: 3000 }), [big]))[0].ok).toBe(true);
    const saved = process.env.ACSEG_MAX_PIXELS;
    process.env.ACSEG_MAX_PIXELS = '2500';
    try {
      const [e] = await collect(new HandcraftedBackbone(), [big]);
      expect(e).toMatchObject({ ok: false, error: { message: expect.stringContaining('above the limit of 2500 pixels') } });
      expect(() => new HandcraftedBackbone({ maxPixels: -1 })).toThrow(
        /backbone handcrafted: option maxPixels must be a positive whole number of pixels, got -1/,
      );
    } finally {
      if (saved === undefined) delete process.env.ACSEG_MAX_PIXELS;
      else process.env.ACSEG_MAX_PIXELS = saved;
    }
  });
});
