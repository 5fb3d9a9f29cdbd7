import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import { AcsegError, type ConceptClassifier } from '@acseg/core';
import { evaluateClustering, formatPaperTable, formatPerClass, openDataset, readPreparedItems, type MatchingMode, type PreparedItem, type SkippedItem } from '@acseg/eval';
import { writeEvalReport, writeFileAtomic } from '@acseg/report';
import { chooseBackbone } from './components.js';
import { PREPARED_FILE } from './eval-shard.js';
import type { Session } from './session.js';
import type { Part } from './shard-part.js';

interface EvalSettings {
  dataset: string; root: string; split: string; limit: number | null; backbone: { name: string }; model: string | null;
  generator: string; checkpoint: string | null; k: number | null; classifier: string; clusters: number | null; seeds: number;
  matching: MatchingMode; method: string | null;
}

/**
 * Joins the prepared parts of a sharded `eval` and evaluates them once:
 * the items put back in the split's own order (k-means++ starts from the
 * digests in that order), the classifier fitted per seed on all digests,
 * the confusion summed from the counts: the table and metrics of one
 * process (but the report's sample pictures, which the shards do not keep).
 * `session` must carry the shards' `--set` options.
 */
export async function mergeEval(session: Session, parts: readonly Part[], out: string): Promise<string> {
  const s = parts[0].record.settings as unknown as EvalSettings;
  if (await stat(join(out, 'metrics.json')).then(() => true, () => false)) {
    throw new AcsegError('BAD_INPUT', `${out} already holds an evaluation (metrics.json); not overwriting it`, { file: join(out, 'metrics.json'), hint: 'merge into another --out folder' });
  }
  const all: PreparedItem[] = [];
  const skipped: SkippedItem[] = [];
  let digestedBy: string | undefined;
  for (const p of parts) {
    const got = await readPreparedItems(join(p.dir, PREPARED_FILE)).catch((e: unknown) => {
      throw new AcsegError('BAD_CONFIG', `${p.dir}: shard ${p.record.shard}/${p.record.of} is unfinished (${(e as Error).message}); nothing merged`, { hint: 'run that shard again, then merge' });
    });
    if (got.items.length + got.skipped.length < p.record.images) {
      throw new AcsegError('BAD_CONFIG', `${p.dir}: shard ${p.record.shard}/${p.record.of} is unfinished (${got.items.length + got.skipped.length} of its ${p.record.images} images); nothing merged`);
    }
    all.push(...got.items);
    skipped.push(...got.skipped);
    digestedBy = got.digestedBy;
  }
  const dataset = await openDataset(s.dataset, s.root, { split: s.split, limit: s.limit ?? undefined });
  const position = new Map(dataset.items.map((it, i) => [it.id, i]));
  const at = (id: string) => position.get(id) ?? Number.MAX_SAFE_INTEGER;
  all.sort((a, b) => at(a.id) - at(b.id));
  skipped.sort((a, b) => at(a.id) - at(b.id));

  const backbone = await chooseBackbone(session, s.backbone.name, { model: s.model ?? undefined });
  const generator = await session.create('generator', s.generator, { checkpoint: s.checkpoint ?? undefined, k: s.k ?? undefined });
  try {
    const K = dataset.hasBackground ? dataset.classNames.length - 1 : dataset.classNames.length;
    const make = (seed: number): Promise<ConceptClassifier> => session.create('classifier', s.classifier, { K: s.clusters ?? undefined, seed }, { K, background: dataset.hasBackground });
    const method = s.method ?? `${session.spec('generator', s.generator).methodName ?? generator.name} (${backbone.name})`;
    const report = await evaluateClustering({
      dataset, backbone, generator, log: session.log, progress: session.progress, method, matching: s.matching,
      seeds: Array.from({ length: s.seeds }, (_, i) => i), classifierFactory: make,
      prepared: { dataset: dataset.name, split: dataset.split, items: all, samples: [], skipped, digestedBy },
    });
    const files = await writeEvalReport(out, report);
    await writeFileAtomic(join(out, 'table.md'), `${formatPaperTable([report])}\n`);
    return `${formatPaperTable([report])}\n\n${formatPerClass(report)}\nreport: ${files.html}\nmetrics: ${files.json}\nmerged from ${parts.length} shards`;
  } finally {
    await Promise.all([backbone.dispose?.(), generator.dispose?.()]);
  }
}
