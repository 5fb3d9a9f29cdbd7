import type { Backbone, FeatureResult } from '../backbone.js';
import { AcsegError } from '../errors.js';
import type { ClassifyInput, ConceptClassifier, RegionDigest, RegionLabel } from '../classifier.js';
import { validateFeatureMap, type FeatureMap } from '../features.js';
import type { ConceptGenerator } from '../generator.js';
import { imageId, type ImageInput } from '../image.js';

/** 2×2 grid, d = 2: the left column points along x, the right along y. Paths containing "bad" fail to decode. */
export function fakeBackbone(): Backbone {
  return {
    name: 'fake',
    info: { model: 'fake', patchSize: 1, inputSize: 2, dim: 2, hasAttention: false },
    async *extract(images: readonly ImageInput[]): AsyncIterable<FeatureResult> {
      for (const [i, img] of images.entries()) {
        const source = String(img);
        if (source.includes('bad')) {
          yield { ok: false, id: imageId(img, i), source, error: new AcsegError('BAD_IMAGE', `${source}: not an image`, { file: source }) };
          continue;
        }
        const zero = source.includes('zero');
        const tokens = Float32Array.from(zero ? [1, 0, 0, 0, 1, 0, 0, 1] : [1, 0, 0, 1, 1, 0, 0, 1]);
        yield { ok: true, features: { id: imageId(img, i), source, grid: { h: 2, w: 2 }, dim: 2, tokens, imageSize: { width: 4, height: 2 } } };
      }
    },
  };
}

/** Two fixed concepts (x and y axes): S = cos(x_i, c_j). Fails on images whose id contains "boom". */
export const axisGenerator: ConceptGenerator = {
  name: 'axes',
  ready: true,
  async generate(features: readonly FeatureMap[]) {
    if (features.some((f) => f.id.includes('boom'))) throw new Error('generator exploded');
    features.forEach(validateFeatureMap);
    return features.map((f) => {
      const S = new Float32Array(4 * 2);
      for (let i = 0; i < 4; i++) {
        const [a, b] = [f.tokens[2 * i], f.tokens[2 * i + 1]];
        const norm = Math.hypot(a, b);
        S[2 * i] = a / norm;
        S[2 * i + 1] = b / norm;
      }
      return { id: f.id, k: 2, assignment: S };
    });
  },
};

/** Labels a region 1 ("large") when it covers at least `minFraction` of its image, else 0 ("small"). */
export function sizeClassifier(minFraction = 0.5): ConceptClassifier {
  return {
    name: 'size',
    needs: {},
    async classify(inputs: readonly ClassifyInput[]): Promise<RegionLabel[][]> {
      return inputs.map(({ regions }) => {
        const total = regions.width * regions.height;
        return regions.pixelCounts.map((pixels, region) => {
          const large = pixels / total >= minFraction;
          return { region, classId: large ? 1 : 0, className: large ? 'large' : 'small', score: pixels / total };
        });
      });
    },
  };
}

/** Labels a region by its concept and the number of images fitted on, so a wrong fit shows in the labels. */
export function digestClassifier(): ConceptClassifier & { digested: number; fitOn: number[] } {
  let fitted = -1;
  const digestOf = (input: ClassifyInput): RegionDigest => ({
    regionCount: input.regions.count,
    background: input.regions.concepts.map(() => false),
    foreground: input.regions.concepts.map((_, r) => r),
    embeddings: input.regions.concepts.map((c) => Float32Array.of(c)),
  });
  const clf = {
    name: 'digesting',
    needs: { fit: true },
    digested: 0,
    fitOn: [] as number[],
    async digest(input: ClassifyInput) {
      clf.digested++;
      return digestOf(input);
    },
    async fitDigests(d: readonly RegionDigest[]) {
      clf.fitOn.push(d.length);
      fitted = d.length;
    },
    async classifyDigests(d: readonly RegionDigest[]): Promise<RegionLabel[][]> {
      return d.map((x) => x.foreground.map((region, j) => ({ region, classId: 10 * fitted + x.embeddings[j][0] })));
    },
    async fit(inputs: readonly ClassifyInput[]) {
      await clf.fitDigests(inputs.map(digestOf));
    },
    async classify(inputs: readonly ClassifyInput[]) {
      return clf.classifyDigests(inputs.map(digestOf));
    },
  };
  return clf;
}
