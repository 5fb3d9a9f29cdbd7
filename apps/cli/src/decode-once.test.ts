import { mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SegmentationPipeline, type Backbone, type ConceptClassifier, type ImageInput } from '@acseg/core';
import { HandcraftedBackbone } from '@acseg/backbone-handcrafted';
import { KMeansClassifier } from '@acseg/classifier-kmeans';
import { cachedBackbone, FeatureCache, writeFeatureCache } from '@acseg/feature-cache';
import { KMeansGenerator } from '@acseg/generator-clustering';
import { RunWriter } from './outputs.js';

let dir: string;
let images: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-decode-once-'));
  const make = async (name: string, w: number, h: number, seed: number) => {
    const data = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) data.set([x < w / 2 ? 200 : 30, ((y * seed) % 97) + 60, (x * y + seed) % 256], 3 * (y * w + x));
    }
    const file = join(dir, name);
    const img = sharp(data, { raw: { width: w, height: h, channels: 3 } });
    await (name.endsWith('.png') ? img.png() : img.jpeg({ quality: 90 })).toFile(file);
    return file;
  };
  // One JPEG large enough that JPEG shrink-on-load would have resized it differently from its decode.
  images = [await make('street.jpg', 600, 480, 3), await make('field.png', 160, 120, 5), await make('sky.jpg', 200, 150, 7)];
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs segment (no classifier) or run (k-means classifier, two passes) into `out`; returns the outputs' bytes by name. */
async function runInto(out: string, backbone: Backbone, classifier: ConceptClassifier | undefined, decode: boolean): Promise<Map<string, Buffer>> {
  // As `acseg run` does for a classifier that sees every image first: features once into a cache, then two passes from it.
  let cache: FeatureCache | undefined;
  if (classifier) {
    await writeFeatureCache({ backbone: new HandcraftedBackbone(), images, out: join(out, '.features') });
    cache = await FeatureCache.open(join(out, '.features'));
    backbone = cachedBackbone(cache, backbone);
  }
  const pipeline = new SegmentationPipeline({ backbone, generator: new KMeansGenerator({ k: 3, seed: 1 }), classifier }, { batchSize: 2, decode });
  const writer = await RunWriter.open(out, { backbone: 'handcrafted', generator: 'kmeans', classifier: classifier?.name, inputs: images });
  try {
    await pipeline.stream(images, { emit: (o) => writer.write(o) });
    await writer.finish();
  } finally {
    await writer.close();
    await cache?.close();
  }
  expect(writer.skipped).toEqual([]);
  const files = new Map<string, Buffer>();
  for (const sub of ['', 'thumbs']) {
    for (const name of await readdir(join(out, sub))) if (/\.(png|jpg|json)$/.test(name)) files.set(join(sub, name), await readFile(join(out, sub, name)));
  }
  return files;
}

/** The backbone whose decode counts calls and then moves the file away, so any later read of it fails (the cache, when there is one, is written before). */
function hidingBackbone(): { backbone: Backbone; decodes: Map<string, number>; restore(): Promise<void> } {
  const real = new HandcraftedBackbone();
  const decodes = new Map<string, number>();
  const hidden: string[] = [];
  const backbone = Object.assign(Object.create(real) as HandcraftedBackbone, {
    async decode(image: ImageInput, index: number) {
      const decoded = await real.decode(image, index);
      const file = String(image);
      decodes.set(file, (decodes.get(file) ?? 0) + 1);
      await rename(file, `${file}.hidden`);
      hidden.push(file);
      return decoded;
    },
  });
  const restore = async () => {
    for (const f of hidden.splice(0)) await rename(`${f}.hidden`, f);
  };
  return { backbone, decodes, restore };
}

describe('decode once through the CLI outputs', () => {
  for (const [label, classifier] of [
    ['segment', () => undefined],
    ['run (k-means classifier: two passes)', () => new KMeansClassifier({ K: 2, seed: 1 })],
  ] as const) {
    it(`${label}: each file is read once, and the outputs are byte-identical to reading the file for each`, async () => {
      const hiding = hidingBackbone();
      let once: Map<string, Buffer>;
      try {
        // Past the features (or the cache's features), each file is decoded once and nothing reads it again: it is gone after its decode.
        once = await runInto(join(dir, `once-${label.length}`), hiding.backbone, classifier(), true);
        expect([...hiding.decodes.values()]).toEqual(images.map(() => 1));
        expect([...hiding.decodes.keys()].sort()).toEqual([...images].sort());
      } finally {
        await hiding.restore();
      }
      const reread = await runInto(join(dir, `reread-${label.length}`), new HandcraftedBackbone(), classifier(), false);
      expect([...once.keys()].sort()).toEqual([...reread.keys()].sort());
      expect(once.size).toBe(images.length * 5);
      for (const [name, bytes] of reread) expect(once.get(name)!.equals(bytes), name).toBe(true);
    });
  }
});
