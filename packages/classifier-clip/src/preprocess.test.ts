import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcsegError } from '@acseg/core';
import { decodeImage } from '@acseg/image-io';
import { CLIP_MEAN, CLIP_STD, clipInputRgb, normalizeRgb } from './preprocess.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-clip-pre-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('preprocessing', () => {
  it('normalizes with CLIP mean/std into planar channels (hand-worked)', () => {
    // One pixel (255, 0, 128) written after a 2-value offset.
    const out = new Float32Array(2 + 3);
    normalizeRgb(Uint8Array.from([255, 0, 128]), 1, out, 2);
    expect(out[0]).toBe(0);
    expect(out[2]).toBeCloseTo((1 - 0.48145466) / 0.26862954, 5);
    expect(out[3]).toBeCloseTo((0 - 0.4578275) / 0.26130258, 5);
    expect(out[4]).toBeCloseTo((128 / 255 - 0.40821073) / 0.27577711, 5);
    expect(CLIP_MEAN).toEqual([0.48145466, 0.4578275, 0.40821073]);
    expect(CLIP_STD).toEqual([0.26862954, 0.26130258, 0.27577711]);
  });

  it('decodes a file and resizes the whole image (no crop) to the square input', async () => {
    // 40×20 PNG: left half red, right half blue → at 8×8 the left 4 columns are red, the right 4 blue.
    const w = 40;
    const h = 20;
    const raw = Buffer.alloc(w * h * 3);
    for (let p = 0; p < w * h; p++) {
      if (p % w < 20) raw[p * 3] = 255;
      else raw[p * 3 + 2] = 255;
    }
    const file = join(dir, 'halves.png');
    await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
      .png()
      .toFile(file);
    const rgb = await clipInputRgb(file, 8);
    expect(rgb.length).toBe(8 * 8 * 3);
    for (let y = 0; y < 8; y++) {
      expect([rgb[y * 8 * 3], rgb[y * 8 * 3 + 2]]).toEqual([255, 0]);
      expect([rgb[(y * 8 + 7) * 3], rgb[(y * 8 + 7) * 3 + 2]]).toEqual([0, 255]);
    }
  });

  it('passes an in-memory image at the input size through unchanged', async () => {
    const data = new Uint8Array(4 * 4 * 3).map((_, i) => i);
    expect(await clipInputRgb({ width: 4, height: 4, data }, 4)).toBe(data);
  });

  it('a file gives the pixels of its decode (decode once), even a JPEG large enough for libvips to shrink on load', async () => {
    const w = 400;
    const h = 240;
    const raw = Buffer.alloc(w * h * 3).map((_, i) => (i * 37 + Math.floor(i / (w * 3)) * 11) % 256);
    const file = join(dir, 'large.jpg');
    await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(file);
    const fromFile = await clipInputRgb(file, 32);
    const fromDecode = await clipInputRgb(await decodeImage(file), 32);
    expect(fromFile.length).toBe(32 * 32 * 3);
    expect(Buffer.from(fromFile).equals(Buffer.from(fromDecode))).toBe(true);
  });

  it('names an unreadable file (BAD_IMAGE)', async () => {
    const file = join(dir, 'broken.jpg');
    await writeFile(file, 'not an image');
    const e = (await clipInputRgb(file, 8).catch((x: unknown) => x)) as AcsegError;
    expect(e).toBeInstanceOf(AcsegError);
    expect(e.code).toBe('BAD_IMAGE');
    expect(e.message).toContain(file);
  });
});
