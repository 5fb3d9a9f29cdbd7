import { describe, expect, it } from 'vitest';
import type { Backbone, FeatureResult } from './backbone.js';
import { imageId, type ImageInput, type RgbImage } from './image.js';
import { SegmentationPipeline, type SegmentOutcome } from './pipeline.js';
import { axisGenerator, fakeBackbone } from './testing/pipeline-fakes.js';

async function turns(n: number): Promise<void> {
  for (let t = 0; t < n; t++) await new Promise((r) => setImmediate(r));
}

/** The fake backbone, with a decode and an extract that take a few turns per image and log what they do, in order. */
function loggingBackbone(log: string[]): Backbone {
  const inner = fakeBackbone();
  return {
    ...inner,
    async decode(image: ImageInput, index: number): Promise<RgbImage> {
      log.push(`decode ${index}`);
      await turns(2);
      return { width: 4, height: 2, data: new Uint8Array(24), id: imageId(image, index), source: String(image) };
    },
    async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
      const first = images[0] as RgbImage;
      log.push(`features from ${first.id}`);
      for await (const r of inner.extract(images.map((im) => (im as RgbImage).source!))) {
        await turns(6);
        yield r;
      }
      log.push(`features to ${(images[images.length - 1] as RgbImage).id}`);
    },
  };
}

const files = Array.from({ length: 12 }, (_, i) => `img-${i}.jpg`);

describe('segment(): decodes run a batch ahead of the features', () => {
  it('batch 3 decodes while batch 2’s features are made (not after them), within the decode slots; the same outcomes', async () => {
    const log: string[] = [];
    const p = new SegmentationPipeline({ backbone: loggingBackbone(log), generator: axisGenerator }, { batchSize: 4, decode: true, maxDecoded: 12 });
    const out: SegmentOutcome[] = [];
    for await (const o of p.segment(files, { keep: true })) {
      out.push(o);
      p.release(o);
    }
    expect(out.map((o) => (o.ok ? o.result.id : o.source))).toEqual(files.map((f) => f.replace('.jpg', '')));
    // Batch 2 is images 4–7, batch 3 images 8–11: image 8's decode is asked before batch 2's features are done.
    expect(log.indexOf('decode 8')).toBeGreaterThan(-1);
    expect(log.indexOf('decode 8')).toBeLessThan(log.indexOf('features to img-7'));
  });

  it('a caller that stops in batch 1 leaves no decode slot taken, the batches decoded ahead included', async () => {
    const log: string[] = [];
    const p = new SegmentationPipeline({ backbone: loggingBackbone(log), generator: axisGenerator }, { batchSize: 4, decode: true, maxDecoded: 12 });
    for await (const o of p.segment(files, { keep: true })) {
      p.release(o);
      break;
    }
    await turns(50);
    const slots = (p as unknown as { slots: { alive: number } }).slots;
    expect(slots.alive).toBe(0);
    // The pipeline still runs to the end afterwards (every slot came back).
    let n = 0;
    for await (const o of p.segment(files, { keep: true })) {
      p.release(o);
      n++;
    }
    expect(n).toBe(files.length);
  });
});
