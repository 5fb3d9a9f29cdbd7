import { isRgbImage, silentProgress, type Backbone, type ConceptGenerator, type Logger } from '@acseg/core';
import type { Dataset } from './dataset.js';
import { scoreConfusion } from './metrics.js';
import { segmentItems } from './prepare.js';
import type { PreparedItem } from './prepared.js';
import { encodeClassMap, type EvalSample, type SamplePick } from './report.js';

/**
 * Each image's own mIoU under one seed's labels and matching, from the counts the evaluation kept (no maps): the
 * matched image confusion is summed region by region, ids the matching left out counted as missed.
 */
export function perImageMIoU(items: readonly PreparedItem[], ids: readonly Uint8Array[], assignment: readonly number[], classes: number): number[] {
  return items.map((it, j) => {
    const C = classes;
    const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
    const missed = new Array<number>(C).fill(0);
    const { counts, regionCount } = it.counts;
    for (let r = 0; r < regionCount; r++) {
      const q = ids[j][r];
      const c = q === 255 ? -1 : (assignment[q] ?? -1);
      for (let g = 0; g < C; g++) {
        const n = counts[r * C + g];
        if (!n) continue;
        if (c < 0) missed[g] += n;
        else confusion[g][c] += n;
      }
    }
    return scoreConfusion(confusion, missed).mIoU;
  });
}

/**
 * Up to `n` informative images: half spread evenly over the split, then the worst and the best by per-image mIoU
 * (a quarter each) among the rest. All of them, in order, when the split has no more than `n`.
 */
export function pickSamples(scores: readonly number[], n: number): Array<{ index: number; pick: SamplePick }> {
  const N = scores.length;
  if (N <= n) return scores.map((_, index) => ({ index, pick: 'spread' as const }));
  const chosen = new Map<number, SamplePick>();
  const extremes = Math.floor(n / 4);
  const spread = n - 2 * extremes;
  for (let i = 0; i < spread; i++) chosen.set(Math.floor(((i + 0.5) * N) / spread), 'spread');
  const order = scores.map((s, i) => i).sort((a, b) => scores[a] - scores[b] || a - b);
  for (const [pick, list] of [
    ['worst', order],
    ['best', [...order].reverse()],
  ] as const) {
    let added = 0;
    for (const i of list) {
      if (added === extremes) break;
      if (chosen.has(i)) continue;
      chosen.set(i, pick);
      added++;
    }
  }
  return [...chosen].map(([index, pick]) => ({ index, pick }));
}

export interface SampleMapsOptions {
  dataset: Dataset;
  backbone: Backbone;
  generator: ConceptGenerator;
  batchSize?: number;
  log: Logger;
  signal?: AbortSignal;
}

/** A picked image as the report needs it: its id, region count and region ids under the first seed. */
export interface PickedItem {
  index: number;
  pick: SamplePick;
  id: string;
  regionCount: number;
  ids: Uint8Array;
  mIoU: number;
}

/**
 * The picked images' maps for the report: segmented again (generators are deterministic, so the regions are those
 * the counts came from; an image whose region count differs is left out, said in a debug line), each region given
 * its predicted id and the id its class by the matching. Each is decoded once for this, and that decode (after the
 * dataset's own preprocessing) is kept as the sample's `decoded` picture, so the report does not read the file.
 */
export async function sampleMaps(
  options: SampleMapsOptions,
  picked: readonly PickedItem[],
  assignment: readonly number[],
  seed: number,
): Promise<EvalSample[]> {
  const { dataset } = options;
  const byId = new Map(picked.map((p) => [p.id, p]));
  const chosen = picked.map((p) => dataset.items.find((d) => d.id === p.id)).filter((d) => d !== undefined);
  const lut = new Uint8Array(256).fill(255);
  assignment.forEach((c, q) => {
    if (c >= 0) lut[q] = c;
  });
  const out: EvalSample[] = [];
  const sub: Dataset = { ...dataset, items: chosen, problems: [] };
  for await (const r of segmentItems({ ...options, dataset: sub, progress: silentProgress, decode: true })) {
    if (!r.ok) continue;
    const { item, label, segmentation } = r.value;
    const p = byId.get(item.id)!;
    const regions = segmentation.regions;
    if (regions.count !== p.regionCount) {
      options.log.debug(`sample ${item.id}: segmented again into ${regions.count} regions, not ${p.regionCount}; left out of the report`);
      continue;
    }
    const prediction = new Uint8Array(regions.labels.length);
    for (let q = 0; q < prediction.length; q++) {
      const id = p.ids[regions.labels[q]];
      prediction[q] = id === 255 ? 255 : lut[id];
    }
    const seen = segmentation.image;
    out.push({
      id: item.id,
      image: item.image,
      decoded: isRgbImage(seen) && seen.width === label.width && seen.height === label.height ? seen : undefined,
      transform: await dataset.imageTransform?.(item),
      width: label.width,
      height: label.height,
      seed,
      prediction: encodeClassMap(prediction),
      groundTruth: encodeClassMap(label.data),
      pick: p.pick,
      mIoU: p.mIoU,
    });
  }
  // In the order picked: spread first (split order), then worst, then best.
  const rank = new Map(picked.map((p, k) => [p.id, k]));
  return out.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!);
}
