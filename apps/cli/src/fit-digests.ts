import { readFile } from 'node:fs/promises';
import {
  AcsegError,
  classifyInput,
  pathExists,
  SegmentationPipeline,
  describeSkip,
  toAcsegError,
  type ConceptClassifier,
  type ImageInput,
  type RegionDigest,
} from '@acseg/core';
import { decodeDigest, encodeDigest, writeJsonLines, type DigestJson } from '@acseg/eval';
import type { Session } from './session.js';

/** A `run --fit-only` shard's region digests, in its part folder. */
export const DIGESTS_FILE = 'digests.jsonl';
const FORMAT = 'acseg-digests/1';

export interface DigestedImages {
  classifier: string;
  /** In the input (sorted) order: what the classifier's `fit` sees. */
  items: Array<{ source: string; digest: RegionDigest }>;
  skipped: Array<{ source: string; reason: string }>;
}

/**
 * Pass 1 of a two-pass `run` on its own: each image segmented and reduced to
 * the classifier's digest (its regions' embeddings), in input order, the
 * images that fail skipped. Exactly what `SegmentationPipeline.stream` fits
 * on, so a fit on these digests gives the state a one-process run fits.
 */
export async function digestImages(
  session: Session,
  pipeline: SegmentationPipeline,
  clf: ConceptClassifier,
  context: Parameters<NonNullable<ConceptClassifier['digest']>>[1],
  images: readonly ImageInput[],
  signal?: AbortSignal,
): Promise<DigestedImages | null> {
  const out: DigestedImages = { classifier: clf.name, items: [], skipped: [] };
  const bar = session.progress.start('segment and embed regions', images.length);
  let i = 0;
  try {
    for await (const o of pipeline.segment(images)) {
      if (signal?.aborted) return null;
      if (o.ok) {
        const digest = await clf.digest!(classifyInput(o.result), context).catch((e: unknown) => {
          throw toAcsegError(e, 'PLUGIN_FAILED', {
            stage: 'classify',
            plugin: clf.name,
            message: `classifier ${clf.name} failed to embed the regions of ${o.result.source}`,
          });
        });
        out.items.push({ source: o.result.source, digest });
      } else {
        session.log.warn(`skipped ${describeSkip(o.source, o.error.message)}`);
        out.skipped.push({ source: o.source, reason: o.error.message });
      }
      bar.update(++i);
    }
  } finally {
    bar.stop();
  }
  return out;
}

/** Writes the digests atomically: a header line, one line per image, the skipped list last (a cut file is seen). */
export async function writeDigests(file: string, d: DigestedImages): Promise<void> {
  await writeJsonLines(
    file,
    (function* () {
      yield { format: FORMAT, classifier: d.classifier, items: d.items.length };
      for (const it of d.items) yield { source: it.source, digest: encodeDigest(it.digest) };
      yield { skipped: d.skipped };
    })(),
  );
}

export async function readDigests(file: string): Promise<DigestedImages> {
  const bad = (problem: string) => new AcsegError('BAD_INPUT', `${file}: ${problem}`, { file, hint: 'run that shard again' });
  const text = await readFile(file, 'utf8').catch((e: Error) => {
    throw bad(`cannot read (${e.message})`);
  });
  const lines = text.split('\n').filter(Boolean);
  let head: { format?: string; classifier?: string; items?: number } | null;
  let tail: { skipped?: DigestedImages['skipped'] } | null;
  try {
    head = JSON.parse(lines[0] ?? 'null') as typeof head;
    tail = JSON.parse(lines[lines.length - 1] ?? 'null') as typeof tail;
  } catch {
    throw bad('not a digests file (bad JSON)');
  }
  if (!head || head.format !== FORMAT || typeof head.classifier !== 'string')
    throw bad(`not a digests file (format ${JSON.stringify(head?.format)}, expected "${FORMAT}")`);
  if (!tail || !Array.isArray(tail.skipped) || lines.length !== (head.items ?? -1) + 2) throw bad('cut short (fewer lines than it announces)');
  const items = lines.slice(1, -1).map((l) => {
    const x = JSON.parse(l) as { source: string; digest: DigestJson };
    return { source: x.source, digest: decodeDigest(x.digest) };
  });
  return { classifier: head.classifier, items, skipped: tail.skipped };
}

/** Refuses to replace a state file: a fitted classifier is the product of a long job. */
export async function checkStateFree(file: string): Promise<void> {
  if (await pathExists(file)) {
    throw new AcsegError('BAD_INPUT', `${file} already exists; not overwriting a classifier state`, {
      file,
      hint: 'give another --save-classifier path, or delete that file',
    });
  }
}

/** Fits `clf` once on the digests (in the order given) and saves its state. */
export async function fitAndSave(
  session: Session,
  clf: ConceptClassifier,
  digests: readonly RegionDigest[],
  context: Parameters<NonNullable<ConceptClassifier['fitDigests']>>[1],
  file: string,
): Promise<void> {
  if (!digests.length) throw new AcsegError('BAD_INPUT', `classifier ${clf.name}: no image could be segmented; nothing to fit`);
  await clf.fitDigests!(digests, { ...context, progress: session.progress }).catch((e: unknown) => {
    throw toAcsegError(e, 'PLUGIN_FAILED', { stage: 'classify', plugin: clf.name, message: `classifier ${clf.name} failed to fit` });
  });
  await checkStateFree(file);
  await clf.save!(file);
}
