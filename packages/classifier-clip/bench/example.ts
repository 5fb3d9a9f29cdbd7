/**
 * Runnable example: names the four quadrants of a VOC image with CLIP.
 * With a real model: npx tsx packages/classifier-clip/bench/example.ts <image> <model folder>
 * Without arguments it writes the tiny random test model to a temp folder and
 * uses the repo's samples/street.jpg (the classes it prints are then meaningless).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { readImageSize } from '@acseg/image-io';
import { CLASS_PRESETS, type Backbone, type FeatureMap, type RegionMap } from '@acseg/core';
import { ClipClassifier } from '../src/index.js';
import { writeTinyClip } from '../src/testing/tiny-model.js';

const image = resolve(process.argv[2] ?? join(import.meta.dirname, '../../../samples/street.jpg'));
let model = process.argv[3];
let tmp: string | undefined;
if (!model) {
  tmp = await mkdtemp(join(tmpdir(), 'clip-example-'));
  model = join(tmp, 'tiny');
  await writeTinyClip(model);
}
// The size the classifier sees (after EXIF rotation), from the header.
const { width, height } = await readImageSize(image);
// Four regions: the image's quadrants (a concept generator would provide these).
const labels = new Uint16Array(width * height).map((_, p) => (Math.floor(p / width) < height / 2 ? 0 : 2) + (p % width < width / 2 ? 0 : 1));
const pixelCounts = [0, 1, 2, 3].map((r) => labels.filter((l) => l === r).length);
const regions: RegionMap = { width, height, labels, count: 4, concepts: [0, 1, 2, 3], pixelCounts };
// No DINO here: features without attention, so the background rule falls back to the border prior.
const features: FeatureMap = { id: 'example', grid: { h: 14, w: 14 }, dim: 1, tokens: new Float32Array(196).fill(1), imageSize: { width, height } };
const classNames = [...CLASS_PRESETS.voc];
const clf = new ClipClassifier({ model, templates: tmp ? 'scene' : 'imagenet80+scene', textCache: false });
const t0 = performance.now();
const [out] = await clf.classify([{ image, regions, features }], { backbone: {} as Backbone, classNames });
console.log(`${relative(process.cwd(), image)} (${width}×${height}), ${((performance.now() - t0) / 1000).toFixed(1)} s`);
for (const l of out)
  console.log(`  quadrant ${l.region}: ${l.className} (class ${l.classId}${l.score === undefined ? ', background rule' : `, cosine ${l.score.toFixed(3)}`})`);
await clf.dispose();
if (tmp) await rm(tmp, { recursive: true, force: true });
