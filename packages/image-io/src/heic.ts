import { AcsegError, imageId, type RgbImage } from '@acseg/core';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { undecodableImage } from './errors.js';
import { decodeHeicBytes } from './heic-pixels.js';
import { iccToSrgb } from './icc-srgb.js';
import type { HeicReply, HeicRequest } from './heic-worker.js';

/**
 * Decoder threads at most: one per core beyond the first, at most two. Each keeps its WebAssembly heap (~200 MB once
 * it has decoded a 12 MP photo), so more would buy HEIC speed on many cores with memory a run may not have.
 */
const MAX_THREADS = 2;
let threads = Math.max(1, Math.min(MAX_THREADS, availableParallelism() - 1));
/** Decodes running (each on its own worker) and those waiting for a turn. */
let busy = 0;
const turns: Array<() => void> = [];
const idle: Worker[] = [];
const started: Worker[] = [];
let workerFailed = false;
let seq = 0;
const waiting = new Map<number, { worker: Worker; resolve: (r: HeicReply) => void; reject: (e: Error) => void }>();

/** The HEIC workers, once they run (for tests). */
export function heicWorkers(): readonly Worker[] {
  return [...started];
}

/** Where HEIC pixels are decoded: 'worker' (built package) or 'caller' (TypeScript sources, or after a worker died). */
export function heicThread(): 'worker' | 'caller' {
  return workerFailed || import.meta.url.endsWith('.ts') ? 'caller' : 'worker';
}

/** How many HEIC photos decode at once (on as many workers); `set` changes it for the process (tests, benchmarks). */
export function heicThreads(set?: number): number {
  if (set !== undefined) {
    if (!Number.isInteger(set) || set < 1) throw new RangeError(`HEIC threads: ${set} is not a whole number ≥ 1`);
    threads = set;
  }
  return threads;
}

/** Decodes at once: `threads` on workers, one on the calling thread (libheif-js's stdout mute is one swap at a time). */
function turnsAtOnce(): number {
  return heicThread() === 'worker' ? threads : 1;
}

/** The environment variable that sets the HEIC decoder threads for a run (`createImageDecoder` reads it). */
export const HEIC_THREADS_ENV = 'ACSEG_HEIC_THREADS';

/**
 * `$ACSEG_HEIC_THREADS` applied (`heicThreads(n)`), when set: a whole number from 1 to 64, else a BAD_CONFIG error
 * naming it, raised where the run's decoder is made, before any work.
 */
export function applyHeicThreadsEnv(env: Record<string, string | undefined> = process.env): void {
  const raw = env[HEIC_THREADS_ENV];
  if (raw === undefined || raw.trim() === '') return;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new AcsegError('BAD_CONFIG', `${HEIC_THREADS_ENV} must be a whole number of threads from 1 to 64, got ${JSON.stringify(raw)}`);
  }
  heicThreads(n);
}

/** Waits for a turn to decode. */
async function takeTurn(): Promise<void> {
  if (busy < turnsAtOnce()) {
    busy++;
    return;
  }
  await new Promise<void>((r) => turns.push(r));
}

/** Ends a turn and starts waiting ones while there is room (less after a worker failed: the calling thread's one). */
function endTurn(): void {
  busy--;
  while (busy < turnsAtOnce() && turns.length > 0) {
    busy++;
    turns.shift()!();
  }
}

/**
 * A HEIC photo (HEVC in HEIF: iPhones' default) at full size as 8-bit RGB. sharp's prebuilt libvips reads HEIF
 * headers and AVIF pixels but carries no HEVC decoder, so the pixels come from libheif and libde265 compiled to
 * WebAssembly (libheif-js), on a worker thread: the decode holds its thread (~1 s for a 12 MP photo), which would
 * otherwise be the one that runs the backbone. HEIF's own rotation and mirroring are applied by libheif; an EXIF
 * orientation in the file is not applied again (HEIF says the container's transforms rule, as libvips does).
 * libheif gives the colours as stored; with `icc`, the profile the file embeds (Display P3 on iPhones), they are
 * converted to sRGB as libvips converts a JPEG with that profile, so a photo gives the same pixels in either format.
 */
export async function decodeHeic(path: string, bytes: string | Buffer, index: number, source: string, icc?: Uint8Array): Promise<RgbImage> {
  const buffer = typeof bytes === 'string' ? await readFile(bytes) : bytes;
  // As many at once as there are decoder threads: each decode holds a full RGBA raster (48 MB for a 12 MP photo)
  // from its start, so more calls would only stack rasters.
  await takeTurn();
  try {
    let pixels: { width: number; height: number; data: Uint8Array };
    try {
      // A worker that died leaves its image to this thread; libheif's own refusal is final.
      const reply = heicThread() === 'worker' ? await onWorker(buffer).catch(() => undefined) : undefined;
      if (reply && 'error' in reply) throw new Error(reply.error);
      pixels = reply ?? (await decodeHeicBytes(buffer));
    } finally {
      // The colour conversion runs on libvips' threads: the next photo decodes meanwhile (0.25–0.3 s of a 12 MP
      // photo's ~1.6 s).
      endTurn();
    }
    const { width, height, data } = pixels;
    const srgb = icc?.length ? await iccToSrgb(width, height, data, icc) : data;
    return { width, height, data: srgb, id: imageId(path, index), source };
  } catch (e) {
    throw undecodableImage(source, e, path);
  }
}

function onWorker(bytes: Uint8Array): Promise<HeicReply> {
  // A turn guarantees a worker to itself: an idle one, or a new one while fewer than `threads` run.
  const w = idle.pop() ?? spawn();
  const id = seq++;
  // Working, a worker keeps the process alive; idle, it does not.
  w.ref();
  return new Promise<HeicReply>((resolve, reject) => {
    waiting.set(id, { worker: w, resolve, reject });
    w.postMessage({ seq: id, bytes } satisfies HeicRequest);
  }).finally(() => {
    w.unref();
    if (!started.includes(w)) return;
    if (workerFailed) retire(w);
    else idle.push(w);
  });
}

/** A worker no longer used: out of the pool, stopped (an idle worker holds its WebAssembly heap). */
function retire(w: Worker): void {
  const at = started.indexOf(w);
  if (at >= 0) started.splice(at, 1);
  void w.terminate();
}

function spawn(): Worker {
  const w = new Worker(new URL('./heic-worker.js', import.meta.url));
  started.push(w);
  w.on('message', (m: HeicReply) => {
    const job = waiting.get(m.seq);
    waiting.delete(m.seq);
    job?.resolve(m);
  });
  // A worker that fails leaves its image, and every later one, to the calling thread; idle workers are stopped.
  const fail = (e: Error) => {
    workerFailed = true;
    const at = started.indexOf(w);
    if (at >= 0) started.splice(at, 1);
    for (const x of idle.splice(0)) retire(x);
    for (const [id, job] of waiting) {
      if (job.worker !== w) continue;
      waiting.delete(id);
      job.reject(e);
    }
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`image-io: a HEIC worker exited (code ${code})`)));
  w.unref();
  return w;
}
