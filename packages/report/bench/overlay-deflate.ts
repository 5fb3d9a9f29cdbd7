/**
 * The overlay's deflate: zlib's Huffman-only strategy (as used until 2026-12-06) against `deflateHuffmanOnly`, on
 * the Up-filtered rows of real overlays (the image blended at α = ½ with a class map of horizontal bands), calls
 * alternated in one process; both streams inflated back and compared first. Run from packages/report:
 *
 *   npx tsx bench/overlay-deflate.ts [folder of JPEG/PNG images, default: the repo's samples] [images, default 30]
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { constants, deflateSync, inflateSync } from 'node:zlib';
import { decodeImage } from '@acseg/image-io';
import { deflateHuffmanOnly } from '../src/huffman-deflate.js';
import { blendOverlay } from '../src/overlay.js';

async function main(): Promise<void> {
  const folder = resolve(process.argv[2] ?? resolve(import.meta.dirname, '../../../samples'));
  const count = Number(process.argv[3] ?? 30);
  const files = (await readdir(folder))
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .sort()
    .slice(0, count);
  const rows: Uint8Array[] = [];
  for (const f of files) {
    const image = await decodeImage(join(folder, f));
    const { width: w, height: h } = image;
    const bands = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) bands.fill(1 + Math.floor((5 * y) / h), y * w, (y + 1) * w);
    const blended = blendOverlay(image, bands);
    const bpr = 3 * w;
    const filtered = new Uint8Array((bpr + 1) * h);
    for (let y = 0; y < h; y++) {
      filtered[y * (bpr + 1)] = 2;
      for (let x = 0; x < bpr; x++) filtered[y * (bpr + 1) + 1 + x] = blended[y * bpr + x] - (y ? blended[(y - 1) * bpr + x] : 0);
    }
    rows.push(filtered);
  }
  const zlib = (r: Uint8Array) => deflateSync(r, { level: 1, strategy: constants.Z_HUFFMAN_ONLY, memLevel: 9, chunkSize: r.length + 1024 });
  let zBytes = 0;
  let ourBytes = 0;
  for (const r of rows) {
    const ours = deflateHuffmanOnly(r);
    if (!inflateSync(ours).equals(Buffer.from(r)) || !inflateSync(zlib(r)).equals(Buffer.from(r))) throw new Error('a stream does not inflate back');
    ourBytes += ours.length;
    zBytes += zlib(r).length;
  }
  const time = (f: (r: Uint8Array) => unknown): number => {
    const t = performance.now();
    for (const r of rows) f(r);
    return (performance.now() - t) / rows.length;
  };
  const z: number[] = [];
  const ours: number[] = [];
  for (let round = 0; round < 12; round++) {
    z.push(time(zlib));
    ours.push(time(deflateHuffmanOnly));
  }
  // The first two rounds warm the JIT up.
  const median = (a: number[]) => a.slice(2).sort((x, y) => x - y)[Math.floor((a.length - 2) / 2)];
  console.log(`${rows.length} overlays from ${folder}, ${(rows.reduce((s, r) => s + r.length, 0) / rows.length / 1024).toFixed(0)} KiB of filtered rows each`);
  console.log('| deflate | ms an overlay (median of 10 rounds) | KiB an overlay |');
  console.log('|---|---|---|');
  console.log(`| zlib, Z_HUFFMAN_ONLY, memLevel 9 | ${median(z).toFixed(2)} | ${(zBytes / rows.length / 1024).toFixed(1)} |`);
  console.log(`| deflateHuffmanOnly | ${median(ours).toFixed(2)} | ${(ourBytes / rows.length / 1024).toFixed(1)} |`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
