import { describe, expect, it } from 'vitest';
import type { Backbone, FeatureResult } from './backbone.js';
import type { ClassifyInput, ConceptClassifier, RegionDigest } from './classifier.js';
import { AcsegError } from './errors.js';
import { imageId, isRgbImage, type ImageInput, type RgbImage } from './image.js';
import { SegmentationPipeline, type SegmentOutcome } from './pipeline.js';
import type { RegionMap } from './regions.js';
import { axisGenerator, fakeBackbone } from './testing/pipeline-fakes.js';

/**
 * The fake backbone with a decode: each path becomes a 4×2 image (its own object), counted per file. `extract`,
 * `regionEmbeddings` and the caller see what they are given, so a test can tell a decoded image from a re-read file.
 */
function decodingBackbone(readsPixels: boolean) {
  const inner = fakeBackbone();
  const decodes = new Map<string, number>();
  const extracted: ImageInput[] = [];
  const embedded: ImageInput[] = [];
  const backbone: Backbone = {
    ...inner,
    regionEmbeddingsReadPixels: readsPixels,
    async decode(image: ImageInput, index: number): Promise<RgbImage> {
      const file = String(image);
      decodes.set(file, (decodes.get(file) ?? 0) + 1);
      if (file.includes('bad')) throw new AcsegError('BAD_IMAGE', `${file}: not an image`, { file });
      return { width: 4, height: 2, data: new Uint8Array(24), id: imageId(image, index), source: file };
    },
    async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
      extracted.push(...images);
      // The fake reads its path from the input: a decoded image stands for its file.
      yield* inner.extract(images.map((im) => (typeof im === 'string' ? im : im.source!)));
    },
    async regionEmbeddings(image: ImageInput, regions: RegionMap) {
      embedded.push(image);
      return regions.concepts.map((c) => Float32Array.of(c));
    },
  };
  return { backbone, decodes, extracted, embedded };
}

/** Fits on every image's digest (region embeddings from the backbone), then labels each region by its concept. */
function embeddingClassifier(): ConceptClassifier {
  const digestOf = async (input: ClassifyInput, backbone: Backbone): Promise<RegionDigest> => {
    const embeddings = await backbone.regionEmbeddings!(input.image, input.regions);
    return { regionCount: input.regions.count, background: embeddings.map(() => false), foreground: embeddings.map((_, r) => r), embeddings };
  };
  return {
    name: 'embedding',
    needs: { fit: true, regionEmbeddings: true },
    digest: (input, ctx) => digestOf(input, ctx.backbone),
    async fitDigests() {},
    async classifyDigests(d) {
      return d.map((x) => x.foreground.map((region, j) => ({ region, classId: 1 + x.embeddings[j][0] })));
    },
    async classify() {
      throw new Error('streams by digests');
    },
  };
}

const images = ['a.jpg', 'bad.jpg', 'b.jpg', 'zero.png', 'c.jpg'];

async function streamed(p: SegmentationPipeline): Promise<SegmentOutcome[]> {
  const out: SegmentOutcome[] = [];
  await p.stream(images, {
    emit: async (o) => {
      out.push(o);
    },
  });
  return out;
}

describe('decode once', () => {
  it('decodes each file once; the features, the outputs and the skips see that one decode', async () => {
    const fake = decodingBackbone(true);
    const out = await streamed(new SegmentationPipeline({ backbone: fake.backbone, generator: axisGenerator }, { batchSize: 2, decode: true }));
    expect(Object.fromEntries(fake.decodes)).toEqual({ 'a.jpg': 1, 'bad.jpg': 1, 'b.jpg': 1, 'zero.png': 1, 'c.jpg': 1 });
    // The image that failed to decode never reached the backbone; the others reached it decoded.
    expect(fake.extracted.every(isRgbImage)).toBe(true);
    expect(fake.extracted.map((im) => (im as RgbImage).source)).toEqual(['a.jpg', 'b.jpg', 'zero.png', 'c.jpg']);
    expect(out.map((o) => (o.ok ? o.result.id : `skipped ${o.source}`))).toEqual(['a', 'skipped bad.jpg', 'b', 'skipped zero.png', 'c']);
    expect(out[1].ok === false && out[1].error.message).toBe('bad.jpg: not an image');
    for (const o of out) {
      if (!o.ok) continue;
      // What the caller draws is the very decode the backbone read, and it still names its file.
      expect(fake.extracted).toContain(o.result.image);
      expect(o.result.source).toBe(`${o.result.id}.jpg`);
    }
  });

  it('gives the same outcomes as reading the files, where the decode is faithful', async () => {
    const view = (o: SegmentOutcome) =>
      o.ok ? { id: o.result.id, source: o.result.source, labels: [...o.result.regions.labels] } : { failed: o.source, message: o.error.message };
    const fake = decodingBackbone(true);
    const decoded = await streamed(new SegmentationPipeline({ backbone: fake.backbone, generator: axisGenerator }, { batchSize: 2, decode: true }));
    const read = await streamed(new SegmentationPipeline({ backbone: fakeBackbone(), generator: axisGenerator }, { batchSize: 2 }));
    expect(decoded.map(view)).toEqual(read.map(view));
  });

  it('two passes: pass 1 decodes only for region embeddings that read pixels; pass 2 decodes for the outputs', async () => {
    for (const readsPixels of [true, false]) {
      const fake = decodingBackbone(readsPixels);
      const out = await streamed(
        new SegmentationPipeline({ backbone: fake.backbone, generator: axisGenerator, classifier: embeddingClassifier() }, { batchSize: 2, decode: true }),
      );
      const perPass = readsPixels ? 2 : 1;
      expect(Object.fromEntries(fake.decodes)).toEqual({ 'a.jpg': perPass, 'bad.jpg': perPass, 'b.jpg': perPass, 'zero.png': perPass, 'c.jpg': perPass });
      expect(fake.embedded.every((im) => (readsPixels ? isRgbImage(im) : typeof im === 'string'))).toBe(true);
      expect(out.filter((o) => o.ok).map((o) => o.ok && isRgbImage(o.result.image))).toEqual([true, true, true]);
      // Pass 1 emits the failures, pass 2 the labelled images.
      expect(out.map((o) => (o.ok ? o.result.id : o.source))).toEqual(['bad.jpg', 'zero.png', 'a', 'b', 'c']);
    }
  });

  it('without the option, or without a decode, the files go to the backbone as paths', async () => {
    const fake = decodingBackbone(true);
    await streamed(new SegmentationPipeline({ backbone: fake.backbone, generator: axisGenerator }, { batchSize: 2 }));
    expect(fake.decodes.size).toBe(0);
    expect(fake.extracted).toEqual(images);
    const plain = await streamed(new SegmentationPipeline({ backbone: fakeBackbone(), generator: axisGenerator }, { decode: true }));
    expect(plain.filter((o) => o.ok).every((o) => o.ok && typeof o.result.image === 'string')).toBe(true);
  });
});
