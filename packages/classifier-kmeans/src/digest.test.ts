import { describe, expect, it } from 'vitest';
import { KMeansClassifier } from './kmeans-classifier.js';
import { KnnClassifier } from './knn-classifier.js';
import { makeScene, PlantedBackbone } from './testing/fixtures/scene.js';

// The streaming evaluation sees one image at a time: digests taken one by
// one, on their own, must label every region as fit/classify on the whole set do.
describe('region digests (the streaming form of fit + classify)', () => {
  it('k-means: digests one image at a time give the labels of fit/classify on the set, for several seeds', async () => {
    const backbone = new PlantedBackbone();
    const scene = makeScene(backbone, { images: 24, classes: 4, dim: 16, seed: 5, noise: 0.3 });
    for (const seed of [0, 7]) {
      const whole = new KMeansClassifier({ K: 4, seed });
      await whole.fit(scene.inputs, { backbone });
      const expected = await whole.classify(scene.inputs, { backbone });

      const streaming = new KMeansClassifier({ K: 4, seed });
      const digests = [];
      for (const input of scene.inputs) digests.push(await streaming.digest(input, { backbone }));
      // A digest holds vectors, not maps: one per foreground region.
      expect(digests.map((d) => d.embeddings.length)).toEqual(digests.map((d) => d.foreground.length));
      expect(digests.every((d) => !('labels' in d))).toBe(true);
      // Packed: an image's embeddings are views of one buffer (one allocation per image, not per region).
      for (const d of digests) expect(new Set(d.embeddings.map((e) => e.buffer)).size).toBeLessThanOrEqual(1);
      await streaming.fitDigests(digests, { backbone });
      expect(await streaming.classifyDigests(digests)).toEqual(expected);
      expect(streaming.centroids).toEqual(whole.centroids);
    }
  });

  it("k-means: fitRows on the digests' embeddings read as rows a block at a time fits the state of fitDigests", async () => {
    const backbone = new PlantedBackbone();
    // 30 images: few regions (the Gram method); 400: the Lloyd iterations, streamed over the rows.
    for (const images of [30, 400]) {
      const scene = makeScene(backbone, { images, classes: 5, dim: 16, seed: 9, noise: 0.4 });
      const inMemory = new KMeansClassifier({ K: 5, seed: 3 });
      const digests = [];
      for (const input of scene.inputs) digests.push(await inMemory.digest(input, { backbone }));
      await inMemory.fitDigests(digests, { backbone });
      const rows = digests.flatMap((d) => d.embeddings);
      const reads: number[] = [];
      const fromRows = new KMeansClassifier({ K: 5, seed: 3 });
      await fromRows.fitRows(
        {
          rows: rows.length,
          cols: 16,
          blockRows: 64,
          read(start, count, into) {
            reads.push(count);
            for (let r = 0; r < count; r++) into.set(rows[start + r], r * 16);
          },
        },
        digests.length,
        { backbone },
      );
      expect(fromRows.centroids).toEqual(inMemory.centroids);
      expect(await fromRows.classifyDigests(digests)).toEqual(await inMemory.classifyDigests(digests));
      expect(Math.max(...reads)).toBe(images === 30 ? rows.length : 64);
    }
    await expect(new KMeansClassifier({ K: 2 }).fitRows({ rows: 0, cols: 0, read() {} }, 3, { backbone })).rejects.toThrow(
      /none of the 3 images has a foreground region/,
    );
  });

  it('k-NN: labelled digests build the bank of fit(inputs, labels); their majority class matches a pixel count', async () => {
    const backbone = new PlantedBackbone();
    const scene = makeScene(backbone, { images: 12, classes: 3, dim: 16, seed: 6, noise: 0.2 });
    const labels = scene.labels;
    const whole = new KnnClassifier({ K: 1 });
    await whole.fit(scene.inputs, { backbone }, labels);
    const streaming = new KnnClassifier({ K: 1 });
    const digests = [];
    for (const [i, input] of scene.inputs.entries()) digests.push(await streaming.digest(input, { backbone }, labels[i]));
    for (const [i, d] of digests.entries()) {
      // Majority by a plain count over the region's pixels (void 255 and background 0 never win).
      for (const r of d.foreground) {
        const counts = new Map<number, number>();
        scene.inputs[i].regions.labels.forEach((reg, p) => {
          const g = labels[i][p];
          if (reg === r && g !== 255 && g !== 0) counts.set(g, (counts.get(g) ?? 0) + 1);
        });
        const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
        expect(d.groundTruth![r]).toBe(best ? best[0] : -1);
      }
    }
    await streaming.fitDigests(digests, { backbone });
    expect(streaming.size).toBe(whole.size);
    expect(streaming.size).toBe(digests.reduce((a, d) => a + d.foreground.length, 0));
    expect(await streaming.classifyDigests(digests, { backbone })).toEqual(await whole.classify(scene.inputs, { backbone }));
  });
});
