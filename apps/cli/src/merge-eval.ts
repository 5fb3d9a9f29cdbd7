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
  type PreparedSplit,
  type SkippedItem,
} from '@acseg/eval';
import { chooseBackbone } from './components.js';
import { PREPARED_FILE, shardItems, TRAIN_FILE, type ShardProtocol } from './eval-shard.js';
import { shardRange } from './shard.js';
import type { Session } from './session.js';
import { listDigest, type Part } from './shard-part.js';
import { readFinishedPart } from './part-read.js';
import { FilePreparedStore } from './prepared-store-file.js';
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
 * searched in it); `expected(part)` is how many items the part holds. Each
 * part is read a line at a time into a store on disk, then every item is
 * copied, in the split's order, into one store: memory holds where each item
 * is (~60 bytes an item, in typed arrays), not the items.
 */
async function joinParts(
  parts: readonly Part[],
  file: string,
  dataset: Dataset,
  expected: (p: Part) => number,
  store: () => Promise<FilePreparedStore>,
): Promise<PreparedSplit> {
  const skipped: SkippedItem[] = [];
  const stores: FilePreparedStore[] = [];
  let digestedBy: string | undefined;
  let labelledBy: string | undefined;
  // The split's problems (not in its items) first, as one process reports them.
  const position = new Map(dataset.items.map((it, i) => [it.id, i]));
  const at = (id: string) => position.get(id) ?? -1;
  try {
    for (const p of parts) {
      const read = async () => {
        const got = await readPreparedItems(join(p.dir, file), await store());
        stores.push(got.items as FilePreparedStore);
        return got;
      };
      const got = await readFinishedPart(p, read, expected(p), ` in ${file}`);
      skipped.push(...got.skipped);
      digestedBy = got.digestedBy;
      labelledBy = got.labelledBy;
    }
    const total = stores.reduce((n, s) => n + s.length, 0);
    const partOf = new Int32Array(total);
    const indexOf = new Int32Array(total);
    const rank = new Float64Array(total);
    let k = 0;
    for (const [i, s] of stores.entries()) {
      let j = 0;
      for await (const chunk of s.chunks(256, { digests: false }))
        for (const it of chunk) {
          partOf[k] = i;
          indexOf[k] = j++;
          rank[k++] = at(it.id);
        }
    }
    // In the split's order; ties (ids not in the split) in part order, as a stable sort of the joined parts gives.
    const order = Uint32Array.from({ length: total }, (_, i) => i).sort((a, b) => rank[a] - rank[b] || a - b);
    const merged = await store();
    try {
      for (const i of order) await merged.add(await stores[partOf[i]].get(indexOf[i]));
    } catch (e) {
      await merged.close();
      throw e;
    }
    skipped.sort((a, b) => at(a.id) - at(b.id));
    return { dataset: dataset.name, split: dataset.split, items: merged, samples: [], skipped, digestedBy, labelledBy };
  } finally {
    for (const s of stores) await s.close();
  }
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
  // Every part's items, and then the joined split, wait on disk in the output folder.
  const store = FilePreparedStore.factory(out);
  const prepared = await joinParts(parts, PREPARED_FILE, dataset, (p) => p.record.images, store);
  let trainPrepared: PreparedSplit | undefined;
  try {
    let train: Dataset | undefined;
    if (protocol === 'retrieval') {
      train = await openDataset(s.dataset, s.root, { split: s.trainSplit ?? 'train', limit: s.limit ?? undefined });
      const total = train.items.length;
      trainPrepared = await joinParts(
        parts,
        TRAIN_FILE,
        train,
        (p) => {
          const r = shardRange(total, { index: p.record.shard, count: p.record.of });
          return r.end - r.start;
        },
        store,
      );
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
  } finally {
    await prepared.items.close();
    await trainPrepared?.items.close();
  }
}
