/**
 * Caches features of the voc-mini images, interrupts, resumes, reads back.
 * Uses the hand-crafted backbone so it runs without a model download; with
 * @acseg/backbone-dino the calls are the same.
 *
 *   npx tsx --conditions=@acseg/source packages/feature-cache/examples/voc-mini.ts [DATASET_DIR]
 * (DATASET_DIR defaults to ../shared/datasets/voc-mini beside the repository)
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HandcraftedBackbone } from '@acseg/backbone-handcrafted';
import { FeatureCache, writeFeatureCache } from '../src/index.js';

const dataset = resolve(process.argv[2] ?? join(import.meta.dirname, '../../../../shared/datasets/voc-mini'));
if (!existsSync(join(dataset, 'JPEGImages'))) {
  console.error(`${dataset}: no JPEGImages/ folder; pass a VOC-layout folder as the first argument`);
  process.exit(2);
}
const jpegs = join(dataset, 'JPEGImages');
const images = readdirSync(jpegs)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .slice(0, 40)
  .map((f) => join(jpegs, f));
const out = await mkdtemp(join(tmpdir(), 'voc-mini-features-'));
const backbone = new HandcraftedBackbone();
const log = { info: (m: string) => console.log(m), warn: (m: string) => console.warn(m), debug() {} };

// Stop after 25 images, as Ctrl-C in the CLI would.
const ctl = new AbortController();
let seen = 0;
const counting = {
  start: () => ({
    update: () => {
      if (++seen === 25) ctl.abort();
    },
    stop() {},
  }),
};
await writeFeatureCache({ backbone, images, out, shardSize: 16, log, signal: ctl.signal, progress: counting }).catch((e: Error) =>
  console.log(`first run: ${e.message}`),
);
const res = await writeFeatureCache({ backbone, images, out, shardSize: 16, log });
console.log(`second run: written ${res.written}, resumed ${res.resumed}, skipped ${res.skipped.length}, total ${res.total}`);

const cache = await FeatureCache.open(out);
const [f] = await cache.read([cache.length - 1]);
console.log(`${out}: ${cache.length} images, model ${cache.info.model}, grid ${cache.grid?.h}×${cache.grid?.w}, dim ${cache.dim}`);
console.log(
  `last image ${f.id} (${f.imageSize.width}×${f.imageSize.height}): first token values ${Array.from(f.tokens.subarray(0, 4), (v) => v.toFixed(4)).join(', ')}`,
);
await cache.close();
