import { describe, expect, it } from 'vitest';
import type { Backbone, FeatureResult } from './backbone.js';
import type { ClassifyInput, ConceptClassifier, RegionDigest } from './classifier.js';
import { DecodeSlots } from './decode-slots.js';
import { AcsegError } from './errors.js';
import { imageId, type ImageInput, type RgbImage } from './image.js';
import { SegmentationPipeline, type SegmentOutcome } from './pipeline.js';
import type { RegionMap } from './regions.js';
import { axisGenerator, fakeBackbone, sizeClassifier } from './testing/pipeline-fakes.js';

/** A few turns of the event loop: a slow consumer, without timers. */
async function slow(turns = 5): Promise<void> {
  for (let t = 0; t < turns; t++) await new Promise((r) => setImmediate(r));
}

/**
 * The fake backbone with a decode that counts images decoded and images their consumer is done with (`done`,
 * called by the test's consumer): `most` is the largest number alive at once. "bad" files fail to decode.
 */
function countingBackbone() {
  const inner = fakeBackbone();
  const count = { decoded: 0, done: 0, most: 0 };
  const finished = new Set<RgbImage>();
  const backbone: Backbone = {
    ...inner,
    regionEmbeddingsReadPixels: true,
    async decode(image: ImageInput, index: number): Promise<RgbImage> {
      await slow(1);
      const file = String(image);
      if (file.includes('bad')) throw new AcsegError('BAD_IMAGE', `${file}: not an image`, { file });
      count.decoded++;
      count.most = Math.max(count.most, count.decoded - count.done);
      return { width: 4, height: 2, data: new Uint8Array(24), id: imageId(image, index), source: file };
    },
    extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
      return inner.extract(images.map((im) => (typeof im === 'string' ? im : im.source!)));
    },
    async regionEmbeddings(_image: ImageInput, regions: RegionMap) {
      return regions.concepts.map((c) => Float32Array.of(c));
    },
  };
  const done = (image: ImageInput): void => {
    if (typeof image === 'string' || finished.has(image)) return;
    finished.add(image);
    count.done++;
  };
  return { backbone, count, done };
}

/** Two passes (fits on every image's digest of region embeddings); the digest is pass 1's consumer of the image. */
function embeddingClassifier(done: (image: ImageInput) => void): ConceptClassifier {
  return {
    name: 'embedding',
    needs: { fit: true, regionEmbeddings: true },
    async digest(input: ClassifyInput, ctx): Promise<RegionDigest> {
      const embeddings = await ctx.backbone.regionEmbeddings!(input.image, input.regions);
      await slow();
      done(input.image);
      return { regionCount: input.regions.count, background: embeddings.map(() => false), foreground: embeddings.map((_, r) => r), embeddings };
    },
    async fitDigests() {},
    async classifyDigests(d) {
      return d.map((x) => x.foreground.map((region) => ({ region, classId: region })));
    },
    async classify() {
      throw new Error('streams by digests');
    },
  };
}

const files = Array.from({ length: 40 }, (_, i) => (i === 9 ? 'bad.jpg' : `img-${i}.jpg`));
const view = (o: SegmentOutcome) => (o.ok ? `${o.result.id}:${o.result.regions.count}:${o.result.labels?.map((l) => l.classId).join(',') ?? ''}` : o.source);

describe('decoded images alive at once are bounded (maxDecoded)', () => {
  for (const [batchSize, maxDecoded] of [
    [4, 6],
    [16, 5],
    [3, 3],
  ]) {
    it(`segment(), batches of ${batchSize}, at most ${maxDecoded}: a slow caller holds the decodes back; same outcomes as unbounded`, async () => {
      const fake = countingBackbone();
      const p = new SegmentationPipeline({ backbone: fake.backbone, generator: axisGenerator }, { batchSize, decode: true, maxDecoded });
      const out: string[] = [];
      for await (const o of p.segment(files)) {
        await slow();
        if (o.ok) fake.done(o.result.image);
        out.push(view(o));
      }
      expect(fake.count.decoded).toBe(files.length - 1);
      expect(fake.count.most).toBeLessThanOrEqual(maxDecoded);
      // Without the bound the look-ahead batch decodes while this one is taken: more alive at once.
      const free = countingBackbone();
      const unbounded: string[] = [];
      for await (const o of new SegmentationPipeline(
        { backbone: free.backbone, generator: axisGenerator },
        { batchSize, decode: true, maxDecoded: 1000 },
      ).segment(files)) {
        await slow();
        if (o.ok) free.done(o.result.image);
        unbounded.push(view(o));
      }
      expect(free.count.most).toBeGreaterThan(maxDecoded);
      expect(out).toEqual(unbounded);
    });
  }

  for (const [label, classifier] of [
    ['no classifier', () => undefined],
    ['a classifier that labels a batch at a time', () => sizeClassifier()],
    ['two passes, region embeddings from the pixels', (done: (image: ImageInput) => void) => embeddingClassifier(done)],
  ] as const) {
    it(`stream(), ${label}: at most maxDecoded alive with a slow emit, the same outcomes as unbounded`, async () => {
      const run = async (maxDecoded: number) => {
        const fake = countingBackbone();
        const p = new SegmentationPipeline(
          { backbone: fake.backbone, generator: axisGenerator, classifier: classifier(fake.done) },
          { batchSize: 8, decode: true, maxDecoded },
        );
        const out: string[] = [];
        const summary = await p.stream(files, {
          emit: async (o) => {
            await slow();
            if (o.ok) fake.done(o.result.image);
            out.push(view(o));
          },
        });
        return { out, most: fake.count.most, summary };
      };
      const bounded = await run(5);
      const unbounded = await run(1000);
      expect(bounded.most).toBeLessThanOrEqual(5);
      expect(unbounded.most).toBeGreaterThan(5);
      expect(bounded.out).toEqual(unbounded.out);
      expect(bounded.summary).toEqual(unbounded.summary);
      expect(bounded.out).toHaveLength(files.length);
    });
  }

  it('a caller that stops early (giving back what it took) leaves no decode slot taken: the same pipeline runs again to the end', async () => {
    const fake = countingBackbone();
    const p = new SegmentationPipeline({ backbone: fake.backbone, generator: axisGenerator }, { batchSize: 4, decode: true, maxDecoded: 4 });
    let taken = 0;
    for await (const o of p.segment(files, { keep: true })) {
      p.release(o);
      if (++taken === 6) break;
    }
    let rest = 0;
    for await (const o of p.segment(files.slice(0, 12))) if (o) rest++;
    expect(rest).toBe(12);
  });
});

describe('DecodeSlots', () => {
  it('lends at most its size; a release or a dropped slot wakes the next waiter in order', async () => {
    const slots = new DecodeSlots(2);
    const a = {};
    const b = {};
    await slots.acquire();
    slots.hold(a);
    await slots.acquire();
    slots.hold(b);
    const order: string[] = [];
    const c = slots.acquire().then(() => order.push('c'));
    const d = slots.acquire().then(() => order.push('d'));
    await slow();
    expect(order).toEqual([]);
    slots.release(a);
    slots.release(a); // a second time: nothing
    await c;
    await slow();
    expect(order).toEqual(['c']);
    slots.drop();
    await d;
    expect(order).toEqual(['c', 'd']);
    expect(slots.alive).toBe(1);
    expect(() => new DecodeSlots(0)).toThrow(RangeError);
  });
});
