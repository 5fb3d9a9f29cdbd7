import { join, relative, resolve, sep } from 'node:path';
import { AcsegError, type Backbone, type ConceptClassifier, type ConceptGenerator } from '@acseg/core';
import { digests, prepareSplit, readPreparedItems, writePreparedItems, type Dataset } from '@acseg/eval';
import { byKey, shardRange, type Shard } from './shard.js';
import { listDigest, openPart, partName } from './shard-part.js';
import type { Session } from './session.js';

/** The prepared items of an eval shard, in its part folder. */
export const PREPARED_FILE = 'prepared.jsonl';

export interface EvalShardOptions {
  session: Session;
  shard: Shard;
  dataset: Dataset;
  root: string;
  out: string;
  backbone: Backbone;
  generator: ConceptGenerator;
  /** The classifier of seed 0: its digests serve every seed at merge time. */
  classifier: ConceptClassifier;
  /** What the numbers depend on; merge rebuilds the evaluation from it. */
  settings: Record<string, unknown>;
  input: string;
  signal?: AbortSignal;
}

/**
 * `eval`'s per-image stage for one shard: its part of the split (sorted by
 * image path) segmented once, each image reduced to its region × class
 * pixel counts and the classifier's digest (what the protocol keeps of an
 * image anyway), written to `<out>/part-i-of-N/prepared.jsonl`. Fitting the
 * classifier and scoring need every image: `acseg merge` does them, once.
 */
export async function evalShard(o: EvalShardOptions): Promise<string> {
  const { session, shard, dataset } = o;
  if (!o.generator.ready) {
    throw new AcsegError('BAD_CONFIG', `eval --shard: generator ${o.generator.name} is not trained; a shard evaluates a model trained once`, { hint: 'give --checkpoint (acseg train --features <merged cache> --out ckpt)' });
  }
  // k-NN fits on the train split with labels (its own protocol); CLIP labels without fitting: one machine for those.
  const declared = session.registry.has('classifier', o.classifier.name) ? session.spec('classifier', o.classifier.name).needs : undefined;
  if (!digests(o.classifier) || !o.classifier.needs.fit || declared?.memoryBank) {
    throw new AcsegError('BAD_CONFIG', `eval --shard: classifier ${o.classifier.name} is not supported; shards prepare digests for a classifier fitted on the split (kmeans)`, { hint: 'run this evaluation on one machine' });
  }
  const rel = (p: string) => relative(o.root, resolve(p)).split(sep).join('/');
  const sorted = [...dataset.items].sort((a, b) => byKey(rel(a.image), rel(b.image)));
  const { start, end } = shardRange(sorted.length, shard);
  const mine = sorted.slice(start, end);
  const dir = join(o.out, partName(shard));
  await openPart(dir, { kind: 'eval', shard: shard.index, of: shard.count, images: mine.length, total: sorted.length, list: listDigest(sorted.map((it) => rel(it.image))), input: o.input, settings: o.settings });
  const file = join(dir, PREPARED_FILE);
  const describe = `shard ${shard.index}/${shard.count} (${shard.from}): ${mine.length} of ${sorted.length} images`;
  // A retried task whose part is complete has nothing to do; an incomplete one (killed) redoes its part.
  const earlier = await readPreparedItems(file).catch(() => null);
  if (earlier && earlier.items.length + earlier.skipped.length === mine.length) return `${describe}: already prepared in ${file}`;
  session.log.info(describe);
  const prepared = await prepareSplit({
    dataset: { ...dataset, items: mine }, backbone: o.backbone, generator: o.generator, digester: o.classifier,
    context: { backbone: o.backbone, classNames: dataset.classNames, log: session.log }, log: session.log, progress: session.progress, signal: o.signal,
  });
  await writePreparedItems(file, { digestedBy: prepared.digestedBy }, prepared.items, prepared.skipped);
  return `${describe}: ${prepared.items.length} prepared, ${prepared.skipped.length} skipped, in ${file}`;
}
