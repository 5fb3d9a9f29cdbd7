import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
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
import { decodeDigest, encodeDigest, type DigestJson } from '@acseg/eval';
import { RowsFile } from './rows-file.js';
import type { Session } from './session.js';

/** A `run --fit-only` shard's region digests, in its part folder. */
export const DIGESTS_FILE = 'digests.jsonl';
/** Version 2 gives the number of images in the last line, so a shard writes its digests as it makes them. */
const FORMAT = 'acseg-digests/2';
const FORMAT_1 = 'acseg-digests/1';

/** Takes each image's digest, in input order. */
export interface DigestSink {
  put(source: string, digest: RegionDigest): Promise<void>;
}

export interface Digested {
  classifier: string;
  /** Images digested (given to the sink). */
  count: number;
  skipped: Array<{ source: string; reason: string }>;
}

/**
 * Pass 1 of a two-pass `run` on its own: each image segmented and reduced to
 * the classifier's digest (its regions' embeddings), handed to `sink` in
 * input order, the images that fail skipped. Exactly what
 * `SegmentationPipeline.stream` fits on, so a fit on these digests gives the
 * state a one-process run fits. Null when interrupted.
 */
export async function digestImages(
  session: Session,
  pipeline: SegmentationPipeline,
  clf: ConceptClassifier,
  context: Parameters<NonNullable<ConceptClassifier['digest']>>[1],
  images: readonly ImageInput[],
  sink: DigestSink,
  signal?: AbortSignal,
): Promise<Digested | null> {
  const out: Digested = { classifier: clf.name, count: 0, skipped: [] };
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
        await sink.put(o.result.source, digest);
        out.count++;
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

/**
 * A shard's `digests.jsonl`, written as the digests come (a header line, one line per image, then the count and the
 * skipped list, so a cut file is seen) into a temporary file renamed into place by `finish`.
 */
export class DigestsWriter implements DigestSink {
  private readonly tmp: string;
  private readonly out: WriteStream;
  private count = 0;
  /** The stream's first error (a full disk), reported by the next `put` or by `finish`. */
  private error?: Error;

  private constructor(
    readonly file: string,
    classifier: string,
  ) {
    this.tmp = `${file}.tmp-${process.pid}`;
    this.out = createWriteStream(this.tmp);
    this.out.on('error', (e) => (this.error ??= e));
    this.out.write(`${JSON.stringify({ format: FORMAT, classifier })}\n`);
  }

  static open(file: string, classifier: string): DigestsWriter {
    return new DigestsWriter(file, classifier);
  }

  async put(source: string, digest: RegionDigest): Promise<void> {
    if (this.error) throw this.cannotWrite(this.error);
    this.count++;
    if (!this.out.write(`${JSON.stringify({ source, digest: encodeDigest(digest) })}\n`)) await this.settled('drain');
  }

  async finish(skipped: Digested['skipped']): Promise<void> {
    try {
      if (this.error) throw this.error;
      this.out.end(`${JSON.stringify({ items: this.count, skipped })}\n`);
      await this.settled('finish');
      await rename(this.tmp, this.file);
    } catch (e) {
      await this.abort();
      throw e instanceof AcsegError ? e : this.cannotWrite(e);
    }
  }

  /** Removes the temporary file (a stopped or failed shard). */
  async abort(): Promise<void> {
    this.out.destroy();
    await rm(this.tmp, { force: true });
  }

  /** Waits for the stream's event, or its error (one that came before the wait too). */
  private async settled(event: 'drain' | 'finish'): Promise<void> {
    if (!this.error) await once(this.out, event).catch((e: unknown) => (this.error ??= e as Error));
    if (this.error) throw this.cannotWrite(this.error);
  }

  private cannotWrite(e: unknown): AcsegError {
    return new AcsegError('BAD_INPUT', `${this.file}: cannot write (${(e as Error).message})`, { file: this.file });
  }
}

/**
 * Reads a shard's digests file line by line, each image's digest to `sink` (in the file's order); returns the count
 * and the skipped list. A file cut short, of another format or with bad JSON is refused, naming it (after the sink
 * has seen the lines before the fault: callers fit only once every file has been read).
 */
export async function readDigests(file: string, sink?: DigestSink): Promise<Digested> {
  const bad = (problem: string) => new AcsegError('BAD_INPUT', `${file}: ${problem}`, { file, hint: 'run that shard again' });
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let head: { format?: string; classifier?: string; items?: number } | undefined;
  let tail: { items?: number; skipped?: Digested['skipped'] } | undefined;
  let count = 0;
  try {
    for await (const line of lines) {
      if (!line) continue;
      if (tail) throw bad('cut short (fewer lines than it announces)');
      let x: Record<string, unknown>;
      try {
        x = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw bad('not a digests file (bad JSON)');
      }
      if (!head) {
        head = x;
        if ((head.format !== FORMAT && head.format !== FORMAT_1) || typeof head.classifier !== 'string')
          throw bad(`not a digests file (format ${JSON.stringify(head.format)}, expected "${FORMAT}")`);
      } else if ('skipped' in x) tail = x as NonNullable<typeof tail>;
      else {
        const it = x as { source: string; digest: DigestJson };
        count++;
        await sink?.put(it.source, decodeDigest(it.digest));
      }
    }
  } catch (e) {
    if (e instanceof AcsegError) throw e;
    throw bad(`cannot read (${(e as Error).message})`);
  } finally {
    lines.close();
  }
  if (!head) throw bad(`not a digests file (format undefined, expected "${FORMAT}")`);
  const announced = head.format === FORMAT_1 ? head.items : tail?.items;
  if (!tail || !Array.isArray(tail.skipped) || announced !== count) throw bad('cut short (fewer lines than it announces)');
  return { classifier: head.classifier!, count, skipped: tail.skipped };
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

/**
 * The digests a fit reads, in order: for a classifier that fits from rows of embeddings (k-means), only their
 * embeddings, on disk in `dir` (removed by `close`), so memory does not grow with the images; whole, in memory,
 * otherwise.
 */
export class FitDigests implements DigestSink {
  count = 0;
  private readonly held: RegionDigest[] = [];

  private constructor(private readonly rows?: RowsFile) {}

  static async open(clf: ConceptClassifier, dir: string): Promise<FitDigests> {
    if (!clf.fitRows) return new FitDigests();
    return new FitDigests(await RowsFile.create(join(dir, `.acseg-fit-${process.pid}-rows`)));
  }

  async put(_source: string, digest: RegionDigest): Promise<void> {
    if (this.rows) await this.rows.append(digest.embeddings).written;
    else this.held.push(digest);
    this.count++;
  }

  async fit(clf: ConceptClassifier, context: Parameters<NonNullable<ConceptClassifier['fitDigests']>>[1]): Promise<void> {
    await (this.rows ? clf.fitRows!(await this.rows.reader(), this.count, context) : clf.fitDigests!(this.held, context));
  }

  async close(): Promise<void> {
    await this.rows?.close();
  }
}

/** Fits `clf` once on the digests (in the order given) and saves its state. */
export async function fitAndSave(
  session: Session,
  clf: ConceptClassifier,
  digests: FitDigests,
  context: Parameters<NonNullable<ConceptClassifier['fitDigests']>>[1],
  file: string,
): Promise<void> {
  if (!digests.count) throw new AcsegError('BAD_INPUT', `classifier ${clf.name}: no image could be segmented; nothing to fit`);
  await digests.fit(clf, { ...context, progress: session.progress }).catch((e: unknown) => {
    throw toAcsegError(e, 'PLUGIN_FAILED', { stage: 'classify', plugin: clf.name, message: `classifier ${clf.name} failed to fit` });
  });
  await checkStateFree(file);
  await clf.save!(file);
}
