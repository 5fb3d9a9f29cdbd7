import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConceptClassifier, ConceptGenerator, Logger } from '@acseg/core';
import { DIGESTS_FILE, ROWS_FILE } from './digest-stash-file.js';
import { TEMP_FEATURES } from './feature-stage.js';
import { frozenClassifier } from './frozen-classifier.js';
import { STASH_FILE } from './stash-file.js';
import { forgetTrained, markTrained, newestTime, runFingerprint, TRAINED_FILE, trainedEarlier } from './trained-earlier.js';

/** What `run`/`segment` took again from an earlier run of the same command into the same `--out`. */
export interface RunReuse {
  /** The run's fingerprint, where it trains its generator or fits its classifier on the images (else undefined). */
  fingerprint?: string;
  /** The checkpoint loaded into the generator, if any. */
  checkpoint?: string;
  /** The state loaded into the classifier (then labelling in one pass: `classifier` is frozen), if any. */
  classifierState?: string;
  /** The classifier to run with: the given one, or it frozen with the loaded state. */
  classifier?: ConceptClassifier;
  /** The given classifier fits on the images here (its state is saved between the passes). */
  fitsHere: boolean;
}

/**
 * A rerun of a command that trained its generator or fitted its classifier on these images loads what it made
 * instead of making it again: the same weights and state, so the images it finished are kept, and a run stopped in
 * its second pass labels the rest in one pass (trained-earlier.ts). `eligible`: not a shard, not features input, not
 * --fit-only; `given`: a checkpoint given on the command line.
 */
export async function reuseEarlierRun(opts: {
  out: string;
  settings: Record<string, unknown>;
  images: readonly string[];
  iterations?: number;
  given?: string;
  eligible: boolean;
  generator: ConceptGenerator;
  created?: ConceptClassifier;
  classifier?: ConceptClassifier;
  log: Logger;
}): Promise<RunReuse> {
  const { out, generator, created, log } = opts;
  const trainsHere = !opts.given && !generator.ready;
  const fitsHere = !!(created && opts.classifier === created && created.needs.fit && (created.fit || created.fitDigests) && created.save && created.load);
  if (!opts.eligible || !(trainsHere || fitsHere)) return { classifier: opts.classifier, fitsHere };
  const fingerprint = await runFingerprint(
    { ...opts.settings, iterations: opts.iterations ?? null, checkpointTime: await newestTime(opts.given) },
    opts.images,
  );
  const earlier = await trainedEarlier(out, fingerprint);
  const reuse: RunReuse = { fingerprint, classifier: opts.classifier, fitsHere };
  if (trainsHere && earlier.checkpoint && generator.load) {
    await generator.load(earlier.checkpoint);
    reuse.checkpoint = earlier.checkpoint;
    log.info(
      `${generator.name}: using the weights an earlier run of this command trained on these images, ${earlier.checkpoint} (delete ${join(out, TRAINED_FILE)} to train again)`,
    );
  }
  // A state fitted on the regions of the earlier weights: only with those weights.
  if (fitsHere && earlier.classifierState && (!trainsHere || reuse.checkpoint)) {
    await created!.load!(earlier.classifierState);
    reuse.classifierState = earlier.classifierState;
    reuse.classifier = frozenClassifier(created!, { checkpoint: earlier.classifierState });
    log.info(`classifier ${created!.name}: using the state an earlier run of this command fitted, ${earlier.classifierState}, in one pass`);
  }
  return reuse;
}

/** Before the generator is trained here: what an earlier run recorded of its checkpoint no longer holds. */
export async function beforeTraining(out: string, reuse: RunReuse): Promise<void> {
  if (reuse.fingerprint) await forgetTrained(out);
}

/** After the generator was trained here and saved in `checkpoint`: recorded for a rerun. */
export async function afterTraining(out: string, reuse: RunReuse, checkpoint: string): Promise<void> {
  if (reuse.fingerprint) await markTrained(out, reuse.fingerprint, { checkpoint });
}

/** Between the passes: the state the classifier fitted, saved and recorded for a rerun after a stop in pass 2. */
export async function afterFit(out: string, reuse: RunReuse, created: ConceptClassifier | undefined): Promise<void> {
  if (!reuse.fingerprint || !reuse.fitsHere || reuse.classifier !== created || !created?.save) return;
  const file = join(out, `.acseg-${created.name}-state.safetensors`);
  await created.save(file);
  await markTrained(out, reuse.fingerprint, { classifierState: file });
}

/**
 * At the end of a run that finished: the temporary feature cache and the pass-1 record a stopped run left, where
 * this one used neither (it loaded that run's weights, or labelled in one pass with its state).
 */
export async function removeLeftovers(out: string, used: { cache: boolean; stash: boolean }): Promise<void> {
  const files = [...(used.cache ? [] : [TEMP_FEATURES]), ...(used.stash ? [] : [STASH_FILE, DIGESTS_FILE, ROWS_FILE])];
  await Promise.all(files.map((f) => rm(join(out, f), { recursive: true, force: true })));
}
