import { describe, expect, it } from 'vitest';
import type { ConceptClassifier } from './classifier.js';
import { classMap, SegmentationPipeline, type SegmentOutcome } from './pipeline.js';
import { assignmentToRegions, deferredRegions, type UpsampleInput } from './regions.js';
import { axisGenerator, digestClassifier, fakeBackbone } from './testing/pipeline-fakes.js';

const images = ['a.jpg', 'bad.jpg', 'b.jpg', 'zero.png', 'c.jpg', 'boom.jpg', 'd.jpg'];

function perImageClassifier(): ConceptClassifier {
  return {
    name: 'axis-namer',
    needs: {},
    async classify(inputs) {
      return inputs.map((i) => i.regions.concepts.map((c, region) => ({ region, classId: c + 1 })));
    },
  };
}

/** What a user sees of an outcome: ok, id, and the class map. */
function view(o: SegmentOutcome): unknown {
  return o.ok ? { id: o.result.id, labels: o.result.labels ? [...classMap(o.result)] : [...o.result.regions.labels] } : { failed: o.source };
}

async function both(make: () => ConceptClassifier | undefined) {
  const ran = await new SegmentationPipeline({ backbone: fakeBackbone(), generator: axisGenerator, classifier: make() }, { batchSize: 2 }).run(images);
  const emitted: SegmentOutcome[] = [];
  const clf = make();
  const summary = await new SegmentationPipeline({ backbone: fakeBackbone(), generator: axisGenerator, classifier: clf }, { batchSize: 2 }).stream(images, {
    emit: async (o) => {
      emitted.push(o);
    },
  });
  return { ran, emitted, summary, clf };
}

describe('SegmentationPipeline.stream', () => {
  it('without a classifier, or with one that labels image by image: one pass, the outcomes of run()', async () => {
    for (const make of [() => undefined, perImageClassifier]) {
      const { ran, emitted, summary } = await both(make);
      expect(emitted.map(view)).toEqual(ran.map(view));
      expect(summary).toEqual({ segmented: 4, skipped: 3, passes: 1, interrupted: false });
    }
  });

  it('a classifier that must see the set: two passes, fitted once on digests, labels of run(), each image emitted once', async () => {
    const { ran, emitted, summary, clf } = await both(digestClassifier);
    const c = clf as ReturnType<typeof digestClassifier>;
    expect(c.fitOn).toEqual([4]);
    expect(c.digested).toBe(4);
    expect(summary.passes).toBe(2);
    // Failures come first (pass 1), then the labelled images in input order.
    const sorted = (xs: SegmentOutcome[]) => xs.map(view).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(sorted(emitted)).toEqual(sorted(ran));
    expect(emitted.filter((o) => o.ok).map((o) => o.ok && o.result.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(emitted.filter((o) => o.ok).every((o) => o.ok && classMap(o.result).every((v) => v === 40 || v === 41))).toBe(true);
  });

  it('regions made elsewhere (options.regions) for a classifier: the same outcomes, each given rather than made when read', async () => {
    for (const make of [perImageClassifier, digestClassifier]) {
      const { ran } = await both(make);
      const asked: UpsampleInput[] = [];
      const emitted: SegmentOutcome[] = [];
      const summary = await new SegmentationPipeline({ backbone: fakeBackbone(), generator: axisGenerator, classifier: make() }, { batchSize: 2 }).stream(
        images,
        {
          emit: async (o) => {
            // Not made here since: the map was given, not left to be made when read.
            if (o.ok) expect(deferredRegions(o.result)).toBeUndefined();
            emitted.push(o);
          },
          regions: async (input) => {
            asked.push(input);
            return assignmentToRegions(input);
          },
        },
      );
      const sorted = (xs: SegmentOutcome[]) => xs.map(view).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
      expect(sorted(emitted)).toEqual(sorted(ran));
      expect(summary.segmented).toBe(4);
      // One map per segmented image: in the one pass, or in pass 1 of the set classifier (its pass 2 labels digests).
      expect(asked.length).toBe(4);
    }
    // A failure to make them is the classifier's stage failing, as when made here.
    const failing = new SegmentationPipeline({ backbone: fakeBackbone(), generator: axisGenerator, classifier: perImageClassifier() }, { batchSize: 2 }).stream(
      images,
      {
        emit: async () => undefined,
        regions: async () => {
          throw new Error('worker gone');
        },
      },
    );
    await expect(failing).rejects.toThrow(/worker gone/);
  });

  it('a set classifier without digests is given the held set: the outcomes of run()', async () => {
    const make = (): ConceptClassifier => {
      const d = digestClassifier();
      return { name: 'plain', needs: { fit: true }, fit: d.fit, classify: d.classify };
    };
    const { ran, emitted } = await both(make);
    const sorted = (xs: SegmentOutcome[]) => xs.map(view).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(sorted(emitted)).toEqual(sorted(ran));
  });

  it('stops at an aborted signal with the emitted images complete', async () => {
    const controller = new AbortController();
    const emitted: SegmentOutcome[] = [];
    const p = new SegmentationPipeline({ backbone: fakeBackbone(), generator: axisGenerator, classifier: perImageClassifier() }, { batchSize: 1 });
    const summary = await p.stream(images, {
      signal: controller.signal,
      emit: async (o) => {
        emitted.push(o);
        if (emitted.length === 2) controller.abort();
      },
    });
    expect(summary.interrupted).toBe(true);
    expect(emitted.length).toBeLessThan(images.length);
    for (const o of emitted) if (o.ok) expect(o.result.labels).toBeDefined();
  });
});
