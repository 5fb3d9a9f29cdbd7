import { dirname, join } from 'node:path';
import { AcsegError, type Backbone, type BackboneInfo } from '@acseg/core';
import { checkStateFree, DIGESTS_FILE, FitDigests, fitAndSave, readDigests } from './fit-digests.js';
import type { Session } from './session.js';
import type { Part } from './shard-part.js';
import { readFinishedPart } from './part-read.js';

interface FitSettings {
  classifier: string;
  seed: number | null;
  clusters: number | null;
  classes: string[] | null;
  defaultClusters: number;
  saveClassifier: string;
  backbone: BackboneInfo & { name: string };
}

/** The shards' backbone as recorded: the fit reads digests only, so nothing is loaded and no image is seen. */
function recordedBackbone(b: FitSettings['backbone']): Backbone {
  const { name, ...info } = b;
  return {
    name,
    info,
    extract() {
      throw new AcsegError('BAD_CONFIG', `merge: backbone ${name} is not run here; the fit reads the shards' region digests`);
    },
  };
}

/**
 * Fits the classifier of a sharded `run --fit-only` once, on every part's
 * digests in shard order (the sorted image list: the order one process
 * fits in, which k-means++ depends on), and writes the state file the
 * shards named. Every part must be finished; nothing is written otherwise.
 * `session` must carry the shards' `--set` options. Memory: none per image
 * for k-means (the digests wait on disk beside the state file, as rows the
 * fit reads a block at a time); other classifiers hold them, as in one process.
 */
export async function mergeFit(session: Session, parts: readonly Part[]): Promise<string> {
  const s = parts[0].record.settings as unknown as FitSettings;
  const file = s.saveClassifier;
  await checkStateFree(file);
  const clf = await session.create(
    'classifier',
    s.classifier,
    { seed: s.seed ?? undefined, K: s.clusters ?? undefined, classes: s.classes ?? undefined },
    { K: s.defaultClusters },
  );
  let skipped = 0;
  let count: number;
  let digests: FitDigests | undefined;
  try {
    const fit = (digests = await FitDigests.open(clf, dirname(file)));
    for (const p of parts) {
      const got = await readFinishedPart(p, () => readDigests(join(p.dir, DIGESTS_FILE), fit), p.record.images);
      skipped += got.skipped.length;
    }
    count = fit.count;
    await fitAndSave(session, clf, fit, { backbone: recordedBackbone(s.backbone), log: session.log }, file);
  } finally {
    await digests?.close();
    await clf.dispose?.();
  }
  return `classifier ${clf.name} fitted once on ${count} images of ${parts.length} shards (${skipped} skipped); state in ${file} (give it to the shards with --set ${clf.name}.checkpoint=${file})`;
}
