import { dirname, join } from 'node:path';
import { AcsegError, type ClassifierContext, type ConceptClassifier, type ImageInput, type SegmentationPipeline } from '@acseg/core';
import { checkStateFree, digestImages, DIGESTS_FILE, DigestsWriter, FitDigests, fitAndSave, readDigests } from './fit-digests.js';
import type { Session } from './session.js';

/** `run --fit-only` needs a classifier that fits on digests and saves, and a free place for its state: checked before any work. */
export async function checkFitOnly(argv: { saveClassifier?: string }, clf: ConceptClassifier | undefined): Promise<void> {
  if (!argv.saveClassifier) {
    throw new AcsegError('BAD_CONFIG', 'run --fit-only: give --save-classifier FILE, where the fitted classifier state goes', {
      hint: 'then give it to the shards with --set kmeans.checkpoint=FILE',
    });
  }
  if (!clf || !clf.needs.fit || !clf.digest || !clf.fitDigests || !clf.save) {
    throw new AcsegError(
      'BAD_CONFIG',
      `run --fit-only: classifier ${clf?.name ?? '(none)'} ${clf?.needs.fit ? 'cannot fit on region digests or save its state' : 'is not fitted on the images'}; nothing to fit`,
      { hint: 'use --classifier kmeans' },
    );
  }
  await checkStateFree(argv.saveClassifier);
}

export interface FitOnlyOptions {
  session: Session;
  pipeline: SegmentationPipeline;
  classifier: ConceptClassifier;
  context: ClassifierContext;
  images: readonly ImageInput[];
  /** This process's output folder (its part folder when sharded). */
  out: string;
  sharded: boolean;
  describe: string;
  /** Where the state goes (by this process, or by `acseg merge` for shards). */
  state: string;
  signal?: AbortSignal;
}

/**
 * One process: digests every image, fits once, saves the state. A shard:
 * writes its part's digests to `digests.jsonl` (a retried task whose file is
 * complete has nothing to do); `acseg merge` fits once on all parts, in the
 * sorted order one process uses, so the state is the one-process state.
 * Null when interrupted.
 */
export async function fitOnly(o: FitOnlyOptions): Promise<{ line: string; skipped: number } | null> {
  const clf = o.classifier;
  if (o.sharded) {
    const file = join(o.out, DIGESTS_FILE);
    const earlier = await readDigests(file).catch(() => null);
    if (earlier && earlier.count + earlier.skipped.length === o.images.length) return { line: `${o.describe}: already digested in ${file}`, skipped: 0 };
    // Written as the images are digested: a shard holds no digest in memory.
    const writer = DigestsWriter.open(file, clf.name);
    const d = await digestImages(o.session, o.pipeline, clf, o.context, o.images, writer, o.signal).catch(async (e: unknown) => {
      await writer.abort();
      throw e;
    });
    if (!d) {
      await writer.abort();
      return null;
    }
    await writer.finish(d.skipped);
    return {
      line: `${o.describe}: ${d.count} images digested, ${d.skipped.length} skipped, in ${file}; \`acseg merge ${dirname(o.out)}\` fits ${clf.name} once and writes ${o.state}`,
      skipped: d.skipped.length,
    };
  }
  // The digests wait for the fit on disk (k-means) beside the state file, the one place this run writes; removed after.
  const digests = await FitDigests.open(clf, dirname(o.state));
  try {
    const d = await digestImages(o.session, o.pipeline, clf, o.context, o.images, digests, o.signal);
    if (!d) return null;
    await fitAndSave(o.session, clf, digests, o.context, o.state);
    return {
      line: `classifier ${clf.name} fitted on ${d.count} images (${d.skipped.length} skipped); state in ${o.state} (give it to shards with --set ${clf.name}.checkpoint=${o.state})`,
      skipped: d.skipped.length,
    };
  } finally {
    await digests.close();
  }
}
