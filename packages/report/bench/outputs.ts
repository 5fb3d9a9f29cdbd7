/**
 * Time to write one image's outputs (label PNG, overlay, JSON) and the
 * gallery, on the repo's 320×240 sample images with a synthetic class map
 * (horizontal bands). Run from packages/report: npx tsx bench/outputs.ts
 */
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeGallery, writeImageOutputs, type GalleryItem } from '../src/index.js';

async function main(): Promise<void> {
  const samples = resolve(import.meta.dirname, '../../../samples');
  const files = (await readdir(samples)).filter((f) => f.endsWith('.jpg')).map((f) => join(samples, f));
  const w = 320,
    h = 240;
  const classMap = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) classMap.fill(Math.floor(y / 60), y * w, (y + 1) * w);
  const regions = [0, 1, 2, 3].map((c) => ({ region: c, classId: c, pixels: w * 60, bbox: [0, 60 * c, w, 60 * c + 60] }));
  const rounds = 10;
  const out = await mkdtemp(join(tmpdir(), 'acseg-bench-'));
  let items: GalleryItem[] = [];
  await writeImageOutputs(out, { id: 'warm', source: files[0], image: files[0], classMap, width: w, height: h, regions });
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    items = [];
    for (const f of files)
      items.push(await writeImageOutputs(out, { id: f.split('/').pop()!.replace('.jpg', ''), source: f, image: f, classMap, width: w, height: h, regions }));
  }
  const perImage = (performance.now() - t0) / (rounds * files.length);
  const t1 = performance.now();
  for (let r = 0; r < rounds; r++) await writeGallery(out, { items, classNames: ['a', 'b', 'c', 'd'] });
  const gallery = (performance.now() - t1) / rounds;
  console.log('| step | ms |');
  console.log('|---|---|');
  console.log(`| writeImageOutputs, one 320×240 image (label PNG + overlay + JSON) | ${perImage.toFixed(1)} |`);
  console.log(`| writeGallery, ${files.length} images (thumbnails + index.html) | ${gallery.toFixed(1)} |`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
