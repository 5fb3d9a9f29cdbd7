import { describe, expect, it } from 'vitest';
import type { Backbone, FeatureResult } from './backbone.js';
import { memoryStash, type AssignmentStash } from './assignment-stash.js';
import { memoryDigestStash, type DigestStash } from './digest-stash.js';
import type { ConceptClassifier } from './classifier.js';
import { AcsegError } from './errors.js';
import type { FeatureMap } from './features.js';
import type { ConceptGenerator } from './generator.js';
import { imageId, type ImageInput, type RgbImage } from './image.js';
import { classMap, SegmentationPipeline, type SegmentOutcome } from './pipeline.js';
import { deferredRegions } from './regions.js';
import { axisGenerator, digestClassifier, fakeBackbone } from './testing/pipeline-fakes.js';

const images = ['a.jpg', 'bad.jpg', 'b.jpg', 'zero.png', 'c.jpg', 'boom.jpg', 'd.jpg'];

/** The fake backbone and generator, counting their calls; with a decode (4×2 images, as the features say, or `sizes`). */
function counted(sizes: Record<string, [number, number]> = {}) {
  const inner = fakeBackbone();
  const calls = { extracted: 0, generated: 0, decodes: new Map<string, number>() };
  const backbone: Backbone = {
    ...inner,
    async decode(image: ImageInput, index: number): Promise<RgbImage> {
      const file = String(image);
      calls.decodes.set(file, (calls.decodes.get(file) ?? 0) + 1);
      if (file.includes('bad')) throw new AcsegError('BAD_IMAGE', `${file}: not an image`, { file });
      const [width, height] = sizes[file] ?? [4, 2];
      return { width, height, data: new Uint8Array(width * height * 3), id: imageId(image, index), source: file };
    },
    async *extract(batch: readonly ImageInput[]): AsyncIterable<FeatureResult> {
      calls.extracted += batch.length;
      yield* inner.extract(batch.map((im) => (typeof im === 'string' ? im : im.source!)));
    },
  };
  const generator: ConceptGenerator = {
    ...axisGenerator,
    async generate(features: readonly FeatureMap[]) {
      calls.generated += features.length;
      return axisGenerator.generate(features);
    },
  };
  return { backbone, generator, calls };
}

/** The shared digesting classifier with no way but its digests: a stream that fell back to `fit`/`classify` fails. */
function digestsOnly(): ConceptClassifier {
  const clf: ConceptClassifier = { ...digestClassifier() };
  delete clf.fit;
  clf.classify = async () => {
    throw new Error('streams by digests');
  };
  return clf;
}

const view = (o: SegmentOutcome): unknown =>
  o.ok ? { id: o.result.id, classes: [...classMap(o.result)], count: o.result.regions.count } : { failed: o.source };

async function streamed(decode: boolean, stash?: AssignmentStash, sizes?: Record<string, [number, number]>, classifier = digestsOnly(), digests?: DigestStash) {
  const parts = counted(sizes);
  const out: SegmentOutcome[] = [];
  const deferredAtEmit: boolean[] = [];
  const featuresAtEmit: boolean[] = [];
  let pass2 = { extracted: 0, generated: 0 };
  const pipeline = new SegmentationPipeline({ backbone: parts.backbone, generator: parts.generator, classifier }, { batchSize: 2, decode });
  const summary = await pipeline.stream(images, {
    stash,
    digests,
    emit: async (o) => {
      if (o.ok && !out.some((x) => x.ok)) pass2 = { extracted: parts.calls.extracted, generated: parts.calls.generated };
      if (o.ok) {
        deferredAtEmit.push(!!deferredRegions(o.result));
        featuresAtEmit.push(!!o.result.features);
      }
      out.push(o);
    },
  });
  return { out, summary, calls: parts.calls, pass2, deferredAtEmit, featuresAtEmit };
}

describe('two passes with an assignment stash', () => {
  it('labels every image as segmenting again does, with neither backbone nor generator in pass 2', async () => {
    for (const decode of [false, true]) {
      const again = await streamed(decode);
      const stashed = await streamed(decode, memoryStash());
      expect(stashed.out.map(view)).toEqual(again.out.map(view));
      expect(stashed.summary).toEqual(again.summary);
      expect(stashed.summary).toMatchObject({ segmented: 4, skipped: 3, passes: 2 });
      // Pass 1 ran them once; pass 2 ran nothing more (segmenting again runs both a second time).
      expect([stashed.calls.extracted, stashed.calls.generated]).toEqual([stashed.pass2.extracted, stashed.pass2.generated]);
      expect(again.calls.generated).toBeGreaterThan(again.pass2.generated);
      // Pass 2's segmentations have no features, and their regions are not made before the caller reads them.
      expect(stashed.featuresAtEmit).toEqual([false, false, false, false]);
      expect(stashed.deferredAtEmit).toEqual([true, true, true, true]);
      expect(again.featuresAtEmit).toEqual([true, true, true, true]);
    }
  });

  it('calls betweenPasses once, after the fit and before pass 2 (only with a stash); pass 2 then decodes with the backbone disposed', async () => {
    for (const withStash of [true, false]) {
      const parts = counted();
      const events: string[] = [];
      const clf = digestClassifier();
      const fit = clf.fitDigests!.bind(clf);
      clf.fitDigests = async (d, c) => {
        events.push('fit');
        return fit(d, c);
      };
      const pipeline = new SegmentationPipeline({ backbone: parts.backbone, generator: parts.generator, classifier: clf }, { batchSize: 2, decode: true });
      await pipeline.stream(images, {
        stash: withStash ? memoryStash() : undefined,
        betweenPasses: async () => {
          events.push('between');
          parts.backbone.extract = () => {
            throw new Error('the backbone was freed');
          };
        },
        emit: async (o) => void events.push(o.ok ? 'image' : 'skip'),
      });
      const firstImage = events.indexOf('image');
      if (withStash) expect(events.slice(events.indexOf('fit'), firstImage)).toEqual(['fit', 'between']);
      else expect(events).not.toContain('between');
      expect(events.filter((e) => e === 'image')).toHaveLength(4);
    }
  });

  it('decodes in pass 2 only the images pass 1 kept, once each', async () => {
    const { calls, out } = await streamed(true, memoryStash());
    // Pass 1 (the features read as paths: nothing reads pixels) decodes nothing; failures are not decoded again.
    expect(Object.fromEntries(calls.decodes)).toEqual({ 'a.jpg': 1, 'b.jpg': 1, 'c.jpg': 1, 'd.jpg': 1 });
    expect(out.filter((o) => o.ok).map((o) => o.ok && typeof o.result.image)).toEqual(['object', 'object', 'object', 'object']);
  });

  it('an image whose file changed size between the passes is skipped, named; the others are written', async () => {
    // Pass 1 reads the features from the path (4×2); pass 2 decodes b.jpg at another size.
    const { out, summary } = await streamed(true, memoryStash(), { 'b.jpg': [8, 4] });
    const failed = out.find((o) => !o.ok && o.source === 'b.jpg');
    expect(failed && !failed.ok && failed.error.message).toMatch(/b\.jpg: the image is 8×4 now and was 4×2 in pass 1/);
    expect(out.filter((o) => o.ok).map((o) => o.ok && o.result.id)).toEqual(['a', 'c', 'd']);
    expect(summary).toMatchObject({ segmented: 3, skipped: 4 });
  });

  it('stops at an aborted signal in pass 2 with the emitted images complete, and gives every decode back', async () => {
    const parts = counted();
    const controller = new AbortController();
    const pipeline = new SegmentationPipeline(
      { backbone: parts.backbone, generator: parts.generator, classifier: digestClassifier() },
      { batchSize: 2, decode: true, maxDecoded: 2 },
    );
    const emitted: SegmentOutcome[] = [];
    const summary = await pipeline.stream(images, {
      stash: memoryStash(),
      signal: controller.signal,
      emit: async (o) => {
        emitted.push(o);
        if (o.ok) controller.abort();
      },
    });
    expect(summary.interrupted).toBe(true);
    expect(emitted.filter((o) => o.ok)).toHaveLength(1);
    // The images decoded ahead were given back: a pipeline with two decode slots can run again to the end.
    await new Promise((r) => setTimeout(r, 10));
    const again: SegmentOutcome[] = [];
    await pipeline.stream(images, { stash: memoryStash(), emit: async (o) => void again.push(o) });
    expect(again.filter((o) => o.ok)).toHaveLength(4);
  });
});

describe('two passes with a digest stash', () => {
  /** The digesting classifier fitted from rows only: the rows it saw are kept; `fitDigests` would fail. */
  function fromRows() {
    const clf = digestsOnly();
    const seen: number[][] = [];
    clf.fitDigests = async () => {
      throw new Error('fits from rows');
    };
    clf.fitRows = async (rows, images) => {
      const into = new Float32Array(rows.cols);
      for (let r = 0; r < rows.rows; r++) {
        rows.read(r, 1, into);
        seen.push(Array.from(into));
      }
      // The fake labels by the number of images fitted on (as its fitDigests does).
      clf.classifyDigests = labelsAfter(images);
    };
    return { clf, seen };
  }
  const labelsAfter = (fitted: number) => async (d: readonly { foreground: number[]; embeddings: Float32Array[] }[]) =>
    d.map((x) => x.foreground.map((region, j) => ({ region, classId: 10 * fitted + x.embeddings[j][0] })));

  /** A memory digest stash that counts its calls. */
  function counting() {
    const inner = memoryDigestStash();
    const calls = { put: [] as number[], get: [] as number[], rows: 0 };
    const stash: DigestStash = {
      put: (i, d) => (calls.put.push(i), inner.put(i, d)),
      get: (i) => (calls.get.push(i), inner.get(i)),
      rows: () => (calls.rows++, inner.rows()),
    };
    return { stash, calls };
  }

  it('fits from the stashed rows and labels as the digests in memory do; each kept image put and read back once', async () => {
    for (const decode of [false, true]) {
      const reference = digestsOnly();
      let fitted: number[][] = [];
      const fit = reference.fitDigests!.bind(reference);
      reference.fitDigests = async (d, c) => {
        fitted = d.flatMap((x) => x.embeddings.map((e) => Array.from(e)));
        return fit(d, c);
      };
      const inMemory = await streamed(decode, memoryStash(), undefined, reference);
      const { clf, seen } = fromRows();
      const { stash, calls } = counting();
      const away = await streamed(decode, memoryStash(), undefined, clf, stash);
      expect(away.out.map(view)).toEqual(inMemory.out.map(view));
      expect(away.summary).toEqual(inMemory.summary);
      // The four images that pass 1 kept (a, b, c, d at 0, 2, 4, 6), in order; the rows are their concepts' embeddings.
      expect(calls).toEqual({ put: [0, 2, 4, 6], get: [0, 2, 4, 6], rows: 1 });
      expect(seen.length).toBeGreaterThan(3);
      expect(seen).toEqual(fitted);
    }
  });

  it('is not used without an assignment stash, nor for a classifier without fitRows', async () => {
    const { clf } = fromRows();
    const a = counting();
    await expect(streamed(true, undefined, undefined, clf, a.stash)).rejects.toThrow(/fits from rows/);
    expect(a.calls.put).toEqual([]);
    const b = counting();
    const plain = await streamed(true, memoryStash(), undefined, digestsOnly(), b.stash);
    expect(plain.summary).toMatchObject({ segmented: 4, passes: 2 });
    expect(b.calls).toEqual({ put: [], get: [], rows: 0 });
  });
});
