import { join } from 'node:path';
import { AcsegError, refuseOverwrite, type ConceptClassifier } from '@acseg/core';
import {
  evaluateClustering,
  evaluateKnnRetrieval,
  evaluateWithText,
  formatPaperTable,
  formatPerClass,
  openDataset,
  readPreparedItems,
  type Dataset,
  type EvalReport,
  type MatchingMode,
  type PreparedItem,
  type PreparedSplit,
  type SkippedItem,
} from '@acseg/eval';
import { chooseBackbone } from './components.js';
import { PREPARED_FILE, shardItems, TRAIN_FILE, type ShardProtocol } from './eval-shard.js';
import { shardRange } from './shard.js';
import type { Session } from './session.js';
import { listDigest, type Part } from './shard-part.js';
import { readFinishedPart } from './part-read.js';
import { defaultClusters, writeReports } from './eval-reports.js';

interface EvalSettings {
  dataset: string;
  root: string;
  split: string;
  limit: number | null;
  backbone: { name: string };
  model: string | null;
  generator: string;
  checkpoint: string | null;
  k: number | null;
  classifier: string;
  clusters: number | null;
  seeds: number;
  matching: MatchingMode;
  method: string | null;
  /** Absent in parts written before k-NN and CLIP shards: clustering. */
  protocol?: ShardProtocol;
  trainSplit?: string;
  trainList?: string;
}

/**
 * One prepared file per part, joined and put back in the split's own order
 * (k-means++ starts from the digests in that order, the k-NN bank is
 * searched in it); `expected(part)` is how many items the part holds.
 */
async function joinParts(parts: readonly Part[], file: string, dataset: Dataset, expected: (p: Part) => number): Promise<PreparedSplit> {
  const items: PreparedItem[] = [];
  const skipped: SkippedItem[] = [];
  let digestedBy: string | undefined;
  let labelledBy: string | undefined;
  for (const p of parts) {
    const got = await readFinishedPart(p, () => readPreparedItems(join(p.dir, file)), expected(p), ` in ${file}`);
    items.push(...got.items);
    skipped.push(...got.skipped);
    digestedBy = got.digestedBy;
    labelledBy = got.labelledBy;
  }
  // The split's problems (not in its items) first, as one process reports them.
  const position = new Map(dataset.items.map((it, i) => [it.id, i]));
  const at = (id: string) => position.get(id) ?? -1;
  items.sort((a, b) => at(a.id) - at(b.id));
  skipped.sort((a, b) => at(a.id) - at(b.id));
  return { dataset: dataset.name, split: dataset.split, items, samples: [], skipped, digestedBy, labelledBy };
}

/** Stands for the CLIP classifier at merge: the shards labelled every region, so nothing is loaded or run here. */
function labelledBy(name: string): ConceptClassifier {
  return {
    name,
    needs: {},
    classify: () => Promise.reject(new AcsegError('BAD_CONFIG', `merge: classifier ${name} is not run here; the shards labelled the regions`)),
  };
}

/**
 * Joins the prepared parts of a sharded `eval` and evaluates them once: the
 * items in the split's own order; k-means fitted per seed on all digests,
 * or the k-NN bank built from every part's labelled train digests, or the
 * shards' CLIP labels taken as they are; the confusion summed from the
 * counts: the table and metrics of one process (but the report's sample
 * pictures, which the shards do not keep). `session` must carry the
 * shards' `--set` options.
 */
export async function mergeEval(session: Session, parts: readonly Part[], out: string): Promise<string> {
  const s = parts[0].record.settings as unknown as EvalSettings;
  const protocol = s.protocol ?? 'clustering';
  for (const f of ['table.md', 'metrics.json']) await refuseOverwrite(out, f, 'an evaluation', 'merge into another --out folder');
  const dataset = await openDataset(s.dataset, s.root, { split: s.split, limit: s.limit ?? undefined });
  const prepared = await joinParts(parts, PREPARED_FILE, dataset, (p) => p.record.images);
  let train: Dataset | undefined;
  let trainPrepared: PreparedSplit | undefined;
  if (protocol === 'retrieval') {
    train = await openDataset(s.dataset, s.root, { split: s.trainSplit ?? 'train', limit: s.limit ?? undefined });
    const total = train.items.length;
    trainPrepared = await joinParts(parts, TRAIN_FILE, train, (p) => {
      const r = shardRange(total, { index: p.record.shard, count: p.record.of });
      return r.end - r.start;
    });
    // Parts record the train list they split; a split changed since (or another one) would mix banks.
    const now = listDigest(shardItems(train.items, s.root, { index: 0, count: 1 }).keys);
    if (now !== s.trainList)
      throw new AcsegError('BAD_CONFIG', `the ${train.split} split of ${s.root} is not the one the shards split (its image list changed); nothing merged`, {
        hint: 'run the shards again',
      });
  }

  const backbone = await chooseBackbone(session, s.backbone.name, { model: s.model ?? undefined });
  const generator = await session.create('generator', s.generator, { checkpoint: s.checkpoint ?? undefined, k: s.k ?? undefined });
  try {
    const method = s.method ?? `${session.spec('generator', s.generator).methodName ?? generator.name} (${backbone.name})`;
    const common = { dataset, backbone, generator, log: session.log, progress: session.progress, method, prepared };
    let reports: EvalReport[];
    if (protocol === 'retrieval') {
      reports = await evaluateKnnRetrieval({
        ...common,
        train: train!,
        trainPrepared,
        knnFactory: (k: number) => session.create('classifier', s.classifier, { K: k }, { background: dataset.hasBackground }),
      });
    } else if (protocol === 'text') {
      reports = [await evaluateWithText({ ...common, classifierFactory: () => labelledBy(s.classifier) })];
    } else {
      const K = defaultClusters(dataset);
      const make = (seed: number): Promise<ConceptClassifier> =>
        session.create('classifier', s.classifier, { K: s.clusters ?? undefined, seed }, { K, background: dataset.hasBackground });
      reports = [await evaluateClustering({ ...common, matching: s.matching, seeds: Array.from({ length: s.seeds }, (_, i) => i), classifierFactory: make })];
    }
    const lines = [formatPaperTable(reports), '', formatPerClass(reports[0])];
    // The files one process writes: one report per run (k-NN: one per K, in run-1, run-2), one table.
    lines.push(...(await writeReports(out, reports)));
    return `${lines.join('\n')}\nmerged from ${parts.length} shards`;
  } finally {
    await Promise.all([backbone.dispose?.(), generator.dispose?.()]);
  }
}
