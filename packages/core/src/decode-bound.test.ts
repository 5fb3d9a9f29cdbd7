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

  it('stream(), a classifier that labels a batch at a time: batches of half the slots, so the next batch decodes while one is labelled', async () => {
    const fake = countingBackbone();
    const inner = sizeClassifier();
    // What each classify call was given, and how many images were decoded by its end.
    const calls: Array<{ images: number; after: number }> = [];
    const classifier: ConceptClassifier = {
      ...inner,
      async classify(inputs, context) {
        await slow(20);
        calls.push({ images: inputs.length, after: fake.count.decoded });
        return inner.classify(inputs, context);
      },
    };
    const maxDecoded = 8;
    const p = new SegmentationPipeline({ backbone: fake.backbone, generator: axisGenerator, classifier }, { batchSize: 16, decode: true, maxDecoded });
    const out: string[] = [];
    await p.stream(files, {
      emit: async (o) => {
        if (o.ok) fake.done(o.result.image);
        out.push(view(o));
      },
    });
    expect(out).toHaveLength(files.length);
    expect(fake.count.most).toBeLessThanOrEqual(maxDecoded);
    // A batch of all 8 slots would leave none for the next batch until this one is written: it would decode nothing meanwhile.
    expect(Math.max(...calls.map((c) => c.images))).toBe(maxDecoded / 2);
    // While a batch is labelled, the next one is decoded: more images decoded than given to classify so far.
    let given = 0;
    for (const c of calls.slice(0, -1)) {
      given += c.images;
      expect(c.after).toBeGreaterThan(given);
    }
    // The same outcomes as without the bound (batches of 16).
    const whole = countingBackbone();
    const reference: string[] = [];
    await new SegmentationPipeline(
      { backbone: whole.backbone, generator: axisGenerator, classifier: inner },
      { batchSize: 16, decode: true, maxDecoded: 1000 },
    ).stream(files, {
      emit: async (o) => {
        reference.push(view(o));
      },
    });
    expect(out).toEqual(reference);
  }, 10_000);

  it('held batches are half the slots, a multiple of a fixed-batch model’s batch where one fits, else whole', () => {
    const batchFor = (maxDecoded: number, fixedBatch?: number, held = true) =>
      new SegmentationPipeline(
        { backbone: { ...countingBackbone().backbone, ...(fixedBatch ? { fixedBatch } : {}) }, generator: axisGenerator },
        { batchSize: 16, decode: true, maxDecoded },
      ).batchFor(true, held);
    expect([batchFor(24), batchFor(24, undefined, false), batchFor(8), batchFor(1), batchFor(40)]).toEqual([12, 16, 4, 1, 16]);
    // 12 would run as 8 + 4, the 4 padded to 8; half of 8 slots holds no batch of 8: batches of all 8, as unheld.
    expect([batchFor(24, 8), batchFor(32, 8), batchFor(8, 8), batchFor(24, 5)]).toEqual([8, 16, 8, 10]);
  });

  for (const fixedBatch of [undefined, 8]) {
    it(`stream(), a classifier, a bad image early in a batch of all the slots${fixedBatch ? ' (fixed-batch model)' : ''}: the run goes on to the end`, async () => {
      // The images after the bad one were held until a whole batch gathered, the next batch's decodes waited for
      // their slots: the run hung.
      const early = Array.from({ length: 30 }, (_, i) => (i === 1 || i === 17 ? `bad-${i}.jpg` : `img-${i}.jpg`));
      const run = async (maxDecoded: number) => {
        const fake = countingBackbone();
        const backbone = { ...fake.backbone, ...(fixedBatch ? { fixedBatch } : {}) };
        const p = new SegmentationPipeline({ backbone, generator: axisGenerator, classifier: sizeClassifier() }, { batchSize: 8, decode: true, maxDecoded });
        const out: string[] = [];
        const summary = await p.stream(early, {
          emit: async (o) => {
            if (o.ok) fake.done(o.result.image);
            out.push(view(o));
          },
        });
        return { out, summary, most: fake.count.most };
      };
      const bounded = await run(8);
      const unbounded = await run(1000);
      expect(bounded.summary).toEqual({ segmented: 28, skipped: 2, passes: 1, interrupted: false });
      expect(bounded.out).toEqual(unbounded.out);
      expect(bounded.most).toBeLessThanOrEqual(8);
    }, 10_000);
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
