import { join, relative, resolve, sep } from 'node:path';
import { AcsegError, type Backbone, type ConceptClassifier, type ConceptGenerator } from '@acseg/core';
import { digests, prepareSplit, readPreparedItems, writePreparedItems, type Dataset, type DatasetItem, type PreparedStore } from '@acseg/eval';
import { FilePreparedStore } from './prepared-store-file.js';
import { byKey, shardRange, type Shard } from './shard.js';
import { listDigest, openPart, partName } from './shard-part.js';
import type { Session } from './session.js';

/** The prepared items of an eval shard, in its part folder. */
export const PREPARED_FILE = 'prepared.jsonl';
/** A k-NN shard's part of the train split: labelled digests, for the memory bank. */
export const TRAIN_FILE = 'train.jsonl';

/**
 * What a shard keeps per image, by protocol: `clustering` (k-means, Tables 1–2) its digest, for the fit at merge;
 * `retrieval` (k-NN, Table 3) digests of its part of both splits, the train part labelled (the memory bank);
 * `text` (CLIP, Table 4) the classifier's region ids, labelled as it goes (it needs no fit).
 */
export type ShardProtocol = 'clustering' | 'retrieval' | 'text';

/** The protocol of a shard with this classifier (`eval` picks Table 3 and 4 by name), or a usage error. */
export function shardProtocol(clf: ConceptClassifier, declared: { memoryBank?: boolean; classNames?: boolean } = {}): ShardProtocol {
  if (declared.memoryBank && digests(clf)) return 'retrieval';
  if ((declared.classNames || clf.needs.classNames) && !clf.needs.fit) return 'text';
  if (!declared.memoryBank && digests(clf) && clf.needs.fit) return 'clustering';
  throw new AcsegError(
    'BAD_CONFIG',
    `eval --shard: classifier ${clf.name} is not supported; shards prepare digests for a classifier fitted on the split (kmeans) or on the train split (knn), or labels of one that needs no fit (clip)`,
    { hint: 'run this evaluation on one machine' },
  );
}

export interface EvalShardOptions {
  session: Session;
  shard: Shard;
  dataset: Dataset;
  /** The train split (k-NN's memory bank). */
  train?: Dataset;
  root: string;
  out: string;
  backbone: Backbone;
  generator: ConceptGenerator;
  /** The classifier of seed 0: its digests serve every seed at merge time (or it labels, for CLIP). */
  classifier: ConceptClassifier;
  /** What the numbers depend on; merge rebuilds the evaluation from it. */
  settings: Record<string, unknown>;
  input: string;
  signal?: AbortSignal;
  /** Decode once (see @acseg/eval's `SegmentSplitOptions.decode`). */
  decode?: boolean;
  /** Decoded images alive at once at most (--max-decoded). */
  maxDecoded?: number;
}

/** This shard's items of a split, by path relative to the dataset root (every machine splits it the same way). */
export function shardItems(
  items: readonly DatasetItem[],
  root: string,
  shard: Pick<Shard, 'index' | 'count'>,
): { mine: DatasetItem[]; sorted: DatasetItem[]; keys: string[] } {
  const rel = (p: string) => relative(root, resolve(p)).split(sep).join('/');
  const sorted = [...items].sort((a, b) => byKey(rel(a.image), rel(b.image)));
  const { start, end } = shardRange(sorted.length, shard);
  return { mine: sorted.slice(start, end), sorted, keys: sorted.map((it) => rel(it.image)) };
}

/** A shard's part of a split; the split's own problems (listed, not found) are reported by shard 0 only. */
function partOf(d: Dataset, items: DatasetItem[], shard: Pick<Shard, 'index'>): Dataset {
  return { ...d, items, problems: shard.index === 0 ? d.problems : [] };
}

/** A store that only counts what is added: whether an earlier part is whole needs its count, not its items. */
function countingStore(): PreparedStore {
  let count = 0;
  const unread = (): never => {
    throw new Error('countingStore keeps nothing to read');
  };
  return {
    get length() {
      return count;
    },
    add: async () => void count++,
    chunks: unread,
    rows: unread,
    close: async () => undefined,
  };
}

async function complete(file: string, expected: number): Promise<boolean> {
  const earlier = await readPreparedItems(file, countingStore()).catch(() => null);
  return !!earlier && earlier.items.length + earlier.skipped.length >= expected;
}

/**
 * `eval`'s per-image stage for one shard: its part of the split (sorted by
 * image path) segmented once, each image reduced to what the protocol keeps
 * of it anyway (its region × class pixel counts, and the classifier's
 * digest or its region ids), written to `<out>/part-i-of-N/prepared.jsonl`;
 * for k-NN also its part of the train split, labelled, to `train.jsonl`.
 * Fitting (k-means per seed, the k-NN bank) and scoring need every image:
 * `acseg merge` does them, once.
 */
export async function evalShard(o: EvalShardOptions): Promise<string> {
  const { session, shard, dataset } = o;
  if (!o.generator.ready) {
    throw new AcsegError('BAD_CONFIG', `eval --shard: generator ${o.generator.name} is not trained; a shard evaluates a model trained once`, {
      hint: 'give --checkpoint (acseg train --features <merged cache> --out ckpt)',
    });
  }
  // The protocol follows what the classifier declares it needs, not its name.
  const declared = session.registry.has('classifier', o.classifier.name) ? session.spec('classifier', o.classifier.name).needs : undefined;
  const protocol = shardProtocol(o.classifier, declared);
  if (protocol === 'retrieval' && !o.train) throw new Error('evalShard: k-NN needs the train split');
  const context = { backbone: o.backbone, classNames: dataset.classNames, log: session.log };
  // The classifier's own check (CLIP: model files, class names) before any work, as one process does.
  if (protocol === 'text') await o.classifier.check?.(context);
  const val = shardItems(dataset.items, o.root, shard);
  const train = protocol === 'retrieval' ? shardItems(o.train!.items, o.root, shard) : undefined;
  const settings = { ...o.settings, protocol, ...(train ? { trainSplit: o.train!.split, trainList: listDigest(train.keys) } : {}) };
  const dir = join(o.out, partName(shard));
  await openPart(dir, {
    kind: 'eval',
    shard: shard.index,
    of: shard.count,
    images: val.mine.length,
    total: val.sorted.length,
    list: listDigest(val.keys),
    input: o.input,
    settings,
  });
  const file = join(dir, PREPARED_FILE);
  const trainFile = join(dir, TRAIN_FILE);
  const describe = `shard ${shard.index}/${shard.count} (${shard.from}): ${val.mine.length} of ${val.sorted.length} images${train ? ` and ${train.mine.length} of ${train.sorted.length} ${o.train!.split} images` : ''}`;
  // A retried task whose part is complete has nothing to do; an incomplete one (killed) redoes what is missing.
  const valDone = await complete(file, val.mine.length);
  const trainDone = !train || (await complete(trainFile, train.mine.length));
  if (valDone && trainDone) return `${describe}: already prepared in ${dir}`;
  session.log.info(describe);
  // The part's items wait on disk until they are written out: memory stays flat.
  const store = FilePreparedStore.factory(dir);
  const common = {
    backbone: o.backbone,
    generator: o.generator,
    context,
    log: session.log,
    progress: session.progress,
    signal: o.signal,
    decode: o.decode,
    maxDecoded: o.maxDecoded,
  };
  const lines: string[] = [];
  if (train && !trainDone) {
    const t = await prepareSplit({ ...common, dataset: partOf(o.train!, train.mine, shard), digester: o.classifier, labelled: true, store });
    try {
      await writePreparedItems(trainFile, { digestedBy: t.digestedBy }, t.items, t.skipped);
    } finally {
      await t.items.close();
    }
    lines.push(`${o.train!.split}: ${t.items.length} prepared, ${t.skipped.length} skipped, in ${trainFile}`);
  }
  if (!valDone) {
    const prepared = await prepareSplit({
      ...common,
      dataset: partOf(dataset, val.mine, shard),
      ...(protocol === 'text' ? { labeller: o.classifier } : { digester: o.classifier }),
      store,
    });
    try {
      await writePreparedItems(file, { digestedBy: prepared.digestedBy, labelledBy: prepared.labelledBy }, prepared.items, prepared.skipped);
    } finally {
      await prepared.items.close();
    }
    lines.unshift(`${prepared.items.length} prepared, ${prepared.skipped.length} skipped, in ${file}`);
  }
  return `${describe}: ${lines.join('; ')}`;
}
