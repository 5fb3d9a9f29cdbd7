import { describe, expect, it } from 'vitest';
import type { ClassifyInput, ConceptClassifier } from './classifier.js';
import { AcsegError } from './errors.js';
import { classMap, SegmentationPipeline } from './pipeline.js';
import { axisGenerator, fakeBackbone } from './testing/pipeline-fakes.js';

describe('SegmentationPipeline', () => {
  it('segments good images, reports bad ones by file, and keeps going', async () => {
    const p = new SegmentationPipeline({ backbone: fakeBackbone(), generator: axisGenerator }, { batchSize: 3 });
    const outs = [];
    for await (const o of p.segment(['a.jpg', 'bad.jpg', 'zero.png', 'boom.jpg', 'b.jpg'])) outs.push(o);
    expect(outs.map((o) => o.ok)).toEqual([true, false, false, false, true]);
    expect(outs[1].ok === false && outs[1].error.message).toMatch(/bad\.jpg: not an image/);
    expect(outs[2].ok === false && outs[2].error.message).toMatch(/zero\.png: patch 1 is an all-zero vector/);
    expect(outs[3].ok === false && outs[3].error.message).toMatch(/boom\.jpg: generator axes failed: generator exploded/);
    const first = outs[0].ok ? outs[0].result : undefined;
    // Grid columns map to 4 pixels wide: left two pixels concept 0 (x), right two concept 1 (y).
    expect(Array.from(first!.regions.labels)).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
  });

  it('fits a classifier on every segmented image once, then labels the regions', async () => {
    const seen: number[] = [];
    const classifier: ConceptClassifier = {
      name: 'count',
      needs: { fit: true },
      async fit(inputs: readonly ClassifyInput[]) {
        seen.push(inputs.length);
      },
      async classify(inputs: readonly ClassifyInput[]) {
        return inputs.map((i) => i.regions.concepts.map((c, region) => ({ region, classId: c === 0 ? 7 : 3 })));
      },
    };
    const p = new SegmentationPipeline({ backbone: fakeBackbone(), generator: axisGenerator, classifier }, { batchSize: 2 });
    const outs = await p.run(['a.jpg', 'bad.jpg', 'b.jpg']);
    expect(seen).toEqual([2]);
    const seg = outs[2].ok ? outs[2].result : undefined;
    expect(Array.from(classMap(seg!))).toEqual([7, 7, 3, 3, 7, 7, 3, 3]);
  });

  it("check() runs the classifier's own check with the class names, before any image is read", async () => {
    const seen: Array<readonly string[] | undefined> = [];
    const clf = {
      name: 'files',
      needs: {},
      classify: async () => [],
      async check(ctx: { classNames?: readonly string[] }) {
        seen.push(ctx.classNames);
        throw new AcsegError('MODEL_NOT_FOUND', 'files: model.bin not found');
      },
    } as ConceptClassifier;
    const p = new SegmentationPipeline({ backbone: fakeBackbone(), generator: axisGenerator, classifier: clf, classNames: ['background', 'cat'] });
    await expect(p.check()).rejects.toThrow(/files: model\.bin not found/);
    expect(seen).toEqual([['background', 'cat']]);
    await expect(new SegmentationPipeline({ backbone: fakeBackbone(), generator: axisGenerator }).check()).resolves.toBeUndefined();
  });

  it('a backbone without attention for a classifier that uses it: one info line saying what changes, no warning', () => {
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`), debug: () => {} };
    const clf = { name: 'bg', needs: { attention: true }, classify: async () => [] } as ConceptClassifier;
    new SegmentationPipeline({ backbone: fakeBackbone(), generator: axisGenerator, classifier: clf, log });
    expect(lines).toEqual([
      expect.stringMatching(/^info classifier bg: backbone fake has no attention maps, so background regions are the ones along the image border/),
    ]);
  });

  it('refuses a classifier whose needs the parts cannot meet', () => {
    const clf = { name: 'clip', needs: { classNames: true }, classify: async () => [] } as ConceptClassifier;
    expect(() => new SegmentationPipeline({ backbone: fakeBackbone(), generator: axisGenerator, classifier: clf })).toThrow(/needs class names/);
    const emb = { name: 'km', needs: { regionEmbeddings: true }, classify: async () => [] } as ConceptClassifier;
    expect(() => new SegmentationPipeline({ backbone: fakeBackbone(), generator: axisGenerator, classifier: emb })).toThrow(
      /needs region embeddings, which backbone fake does not provide/,
    );
  });
});
