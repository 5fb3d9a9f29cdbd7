import { silentLogger, silentProgress, type ConceptClassifier } from '@acseg/core';
import type { Dataset } from './dataset.js';
import { prepareSplit, type PreparedSplit } from './prepared.js';
import { DEFAULT_SEEDS, digests, runProtocol, type ProtocolOptions } from './protocol.js';
import type { EvalReport } from './report.js';

/**
 * Tables 1 and 2: k-means over region embeddings (the classifier factory),
 * ten seeds, Hungarian matching on pixel counts, mean ± std.
 */
export function evaluateClustering(options: ProtocolOptions): Promise<EvalReport> {
  return runProtocol({ seeds: DEFAULT_SEEDS, matching: 'pixels', ...options, train: undefined });
}

/**
 * Table 3: k-NN retrieval. The classifier (e.g. `knn` with K = 1 or 5) is
 * fitted on `train` with ground truth, then labels `dataset`; classes are
 * named directly, so no matching; one run (k-NN has no seed).
 */
export function evaluateKnn(options: ProtocolOptions & { train: Dataset; k?: number }): Promise<EvalReport> {
  const { k, ...rest } = options;
  return runProtocol({ seeds: [0], matching: 'none', protocol: `k-NN retrieval${k ? ` (K=${k})` : ''}`, ...rest });
}

/**
 * Table 3 in one go: segments both splits once (digests of the first K's
 * classifier serve every K), then runs `evaluateKnn` for each K (default
 * 1 and 5) with `knnFactory(k)`. One report per K.
 */
export async function evaluateKnnRetrieval(
  options: Omit<ProtocolOptions, 'classifierFactory'> & {
    train: Dataset;
    ks?: readonly number[];
    knnFactory: (k: number) => ConceptClassifier | Promise<ConceptClassifier>;
  },
): Promise<EvalReport[]> {
  const { ks = [1, 5], knnFactory, ...rest } = options;
  const log = rest.log ?? silentLogger;
  const progress = rest.progress ?? silentProgress;
  const common = {
    backbone: rest.backbone,
    generator: rest.generator,
    batchSize: rest.batchSize,
    log,
    progress,
    signal: rest.signal,
    decode: rest.decode,
    maxDecoded: rest.maxDecoded,
  };
  let { prepared, trainPrepared } = rest;
  // Splits prepared here, whose stores are closed at the end.
  const own: PreparedSplit[] = [];
  try {
    // The first K's classifier digests both splits, then evaluates its K; a
    // classifier without digests gets both splits held in memory instead.
    let first: ConceptClassifier | undefined = await knnFactory(ks[0]);
    try {
      const context = { backbone: rest.backbone, classNames: rest.dataset.classNames, log };
      const streams = digests(first);
      const digester = streams ? first : undefined;
      const store = rest.store;
      if (!prepared)
        own.push((prepared = await prepareSplit({ ...common, dataset: rest.dataset, digester, context, hold: !streams, samples: rest.samples ?? 4, store })));
      if (!trainPrepared)
        own.push((trainPrepared = await prepareSplit({ ...common, dataset: rest.train, digester, context, labelled: true, hold: !streams, store })));
    } catch (e) {
      await first.dispose?.();
      throw e;
    }
    const out: EvalReport[] = [];
    for (const k of ks) {
      const made = first ?? (await knnFactory(k));
      first = undefined;
      out.push(await evaluateKnn({ ...rest, prepared, trainPrepared, k, classifierFactory: () => made }));
    }
    return out;
  } finally {
    for (const split of own) await split.items.close();
  }
}

/** Table 4: CLIP names each concept among the dataset's classes; no matching, one run. */
export function evaluateWithText(options: ProtocolOptions): Promise<EvalReport> {
  return runProtocol({ seeds: [0], matching: 'none', protocol: 'with text (CLIP)', ...options, train: undefined });
}

function cell(v: { mean: number; std: number }, runs: number): string {
  return runs > 1 ? `${v.mean.toFixed(1)} ± ${v.std.toFixed(1)}` : v.mean.toFixed(1);
}

const DATASET_TITLES: Record<string, string> = { voc: 'PASCAL VOC', cocostuff27: 'COCO-Stuff-27', camvid: 'CamVid' };

/**
 * Reports as the paper prints them: one row per report, `Method | mIoU`
 * (mean ± std over seeds when there are several), plus pixel accuracy.
 * When the reports differ in protocol (k-NN K=1 and K=5), a first column
 * names it.
 *
 *     PASCAL VOC val, unsupervised (kmeans), Hungarian (pixels), 10 seeds, 1449 images
 *     | Method       | mIoU       | Pixel acc. |
 *     |--------------|------------|------------|
 *     | ACSeg (ours) | 47.1 ± 2.4 | 80.2 ± 1.1 |
 */
export function formatPaperTable(reports: EvalReport | readonly EvalReport[]): string {
  const list: readonly EvalReport[] = Array.isArray(reports) ? reports : [reports as EvalReport];
  if (list.length === 0) return '';
  const first = list[0];
  const several = new Set(list.map((r) => r.protocol)).size > 1;
  const match = first.matching === 'none' ? 'classes named directly' : `Hungarian (${first.matching})`;
  const runs = first.seeds.length;
  const title = [
    `${DATASET_TITLES[first.dataset] ?? first.dataset} ${first.split}`,
    several ? undefined : first.protocol,
    match,
    `${runs} seed${runs > 1 ? 's' : ''}`,
    `${first.images} images`,
  ]
    .filter(Boolean)
    .join(', ');
  const header = [...(several ? ['Protocol'] : []), 'Method', 'mIoU', 'Pixel acc.'];
  const rows = list.map((r) => [...(several ? [r.protocol] : []), r.method, cell(r.mIoU, r.seeds.length), cell(r.pixelAccuracy, r.seeds.length)]);

  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  // The trivial reference on the same pixels (one per split, so from the first report), under the table.
  const baselines = (first.baselines ?? []).map(
    (b) => `reference, ${b.name.toLowerCase()} (${b.note}): mIoU ${b.mIoU.toFixed(1)}, pixel acc. ${b.pixelAccuracy.toFixed(1)}`,
  );
  return [title, line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line), ...baselines].join('\n');
}

/** Per-class IoU of a report as a two-column table (mean over seeds; "-" where undefined). */
export function formatPerClass(report: EvalReport): string {
  const w = Math.max(5, ...report.classNames.map((n) => n.length));
  return report.classNames
    .map((n, c) => `${n.padEnd(w)}  ${report.perClassIoU[c] === null ? '    -' : report.perClassIoU[c]!.toFixed(1).padStart(5)}`)
    .join('\n');
}
