import { imageId, type RgbImage } from '@acseg/core';
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { undecodableImage } from './errors.js';
import { decodeHeicBytes } from './heic-pixels.js';
import { iccToSrgb } from './icc-srgb.js';
import type { HeicReply, HeicRequest } from './heic-worker.js';

let queue: Promise<void> = Promise.resolve();
let worker: Worker | undefined;
let workerFailed = false;
let seq = 0;
const waiting = new Map<number, { resolve: (r: HeicReply) => void; reject: (e: Error) => void }>();

/** The HEIC worker's thread id, once one runs (for tests). */
export function heicWorkerThreadId(): number | undefined {
  return worker?.threadId;
}

/** Where HEIC pixels are decoded: 'worker' (built package) or 'caller' (TypeScript sources, or after a worker died). */
export function heicThread(): 'worker' | 'caller' {
  return workerFailed || import.meta.url.endsWith('.ts') ? 'caller' : 'worker';
}

/**
 * A HEIC photo (HEVC in HEIF: iPhones' default) at full size as 8-bit RGB. sharp's prebuilt libvips reads HEIF
 * headers and AVIF pixels but carries no HEVC decoder, so the pixels come from libheif and libde265 compiled to
 * WebAssembly (heic-decode), on a worker thread: the decode holds its thread (~1 s for a 12 MP photo), which would
 * otherwise be the one that runs the backbone. HEIF's own rotation and mirroring are applied by libheif; an EXIF
 * orientation in the file is not applied again (HEIF says the container's transforms rule, as libvips does).
 * libheif gives the colours as stored; with `icc`, the profile the file embeds (Display P3 on iPhones), they are
 * converted to sRGB as libvips converts a JPEG with that profile, so a photo gives the same pixels in either format.
 */
export async function decodeHeic(path: string, bytes: string | Buffer, index: number, source: string, icc?: Uint8Array): Promise<RgbImage> {
  const buffer = typeof bytes === 'string' ? await readFile(bytes) : bytes;
  // One at a time: one decoder thread, and each decode holds a full RGBA raster (48 MB for a 12 MP photo) from its
  // start, so concurrent calls would only stack rasters.
  const previous = queue;
  let done = () => {};
  queue = new Promise<void>((r) => (done = r));
  await previous;
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
      done();
    }
    const { width, height, data } = pixels;
    const srgb = icc?.length ? await iccToSrgb(width, height, data, icc) : data;
    return { width, height, data: srgb, id: imageId(path, index), source };
  } catch (e) {
    throw undecodableImage(source, e, path);
  }
}

function onWorker(bytes: Uint8Array): Promise<HeicReply> {
  const w = (worker ??= spawn());
  const id = seq++;
  // Working, the worker keeps the process alive; idle, it does not.
  w.ref();
  return new Promise<HeicReply>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    w.postMessage({ seq: id, bytes } satisfies HeicRequest);
  }).finally(() => {
    if (waiting.size === 0) worker?.unref();
  });
}

function spawn(): Worker {
  const w = new Worker(new URL('./heic-worker.js', import.meta.url));
  w.on('message', (m: HeicReply) => {
    const job = waiting.get(m.seq);
    waiting.delete(m.seq);
    job?.resolve(m);
  });
  const fail = (e: Error) => {
    workerFailed = true;
    worker = undefined;
    for (const job of waiting.values()) job.reject(e);
    waiting.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`image-io: the HEIC worker exited (code ${code})`)));
  w.unref();
  return w;
}
