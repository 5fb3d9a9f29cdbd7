import { imageId, type RgbImage } from '@acseg/core';
import { readFile } from 'node:fs/promises';
import { undecodableImage } from './errors.js';

type HeicDecode = typeof import('heic-decode').default;

let loading: Promise<HeicDecode> | undefined;
let queue: Promise<void> = Promise.resolve();

/**
 * A HEIC photo (HEVC in HEIF: iPhones' default) at full size as 8-bit RGB. sharp's prebuilt libvips reads HEIF
 * headers and AVIF pixels but carries no HEVC decoder, so the pixels come from libheif and libde265 compiled to
 * WebAssembly (heic-decode, loaded on the first HEIC). HEIF's own rotation and mirroring are applied by libheif; an
 * EXIF orientation in the file is not applied again (HEIF says the container's transforms rule, as libvips does).
 * Colours are as stored: an embedded ICC profile (Display P3 on iPhones) is not converted to sRGB.
 */
export async function decodeHeic(path: string, bytes: string | Buffer, index: number, source: string): Promise<RgbImage> {
  loading ??= import('heic-decode').then((m) => m.default);
  const decode = await loading;
  const buffer = typeof bytes === 'string' ? await readFile(bytes) : bytes;
  // One at a time: the WebAssembly decoder runs on this thread anyway, and each decode holds a full RGBA raster
  // (48 MB for a 12 MP photo) from its start, so concurrent calls would only stack rasters.
  const previous = queue;
  let done = () => {};
  queue = new Promise<void>((r) => (done = r));
  await previous;
  let rgba: { width: number; height: number; data: Uint8ClampedArray };
  muteLibheif(+1);
  try {
    rgba = await decode({ buffer });
  } catch (e) {
    throw undecodableImage(source, e, path);
  } finally {
    muteLibheif(-1);
    done();
  }
  const { width, height } = rgba;
  const n = width * height;
  if (rgba.data.length !== n * 4) throw undecodableImage(source, new Error(`libheif gave ${rgba.data.length} bytes for ${width}×${height} RGBA`), path);
  const data = new Uint8Array(n * 3);
  for (let p = 0, q = 0; p < n; p++, q += 4) {
    data[3 * p] = rgba.data[q];
    data[3 * p + 1] = rgba.data[q + 1];
    data[3 * p + 2] = rgba.data[q + 2];
  }
  return { width, height, data, id: imageId(path, index), source };
}

let decoding = 0;
let consoleLog: typeof console.log | undefined;

/**
 * libheif-js reports a failed decode on stdout (`console.log('Decoding image failed', ...)`) before heic-decode
 * rejects; acseg words that rejection itself, naming the file, so the line is dropped while a HEIC decodes.
 */
function muteLibheif(step: 1 | -1): void {
  decoding += step;
  if (step === 1 && decoding === 1) {
    const log = (consoleLog = console.log);
    console.log = (...args: unknown[]) => {
      if (args[0] !== 'Decoding image failed') log(...args);
    };
  } else if (decoding === 0 && consoleLog) {
    console.log = consoleLog;
    consoleLog = undefined;
  }
}
