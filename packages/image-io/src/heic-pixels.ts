import type { HeifImage, Libheif } from 'libheif-js/wasm-bundle.js';

let loading: Promise<Libheif> | undefined;

/** libheif-js's own lines on stdout for a file it cannot read; the caller words the error, naming the file. */
const LIBHEIF_LOG = ['Decoding image failed', 'Could not create HEIF context', 'Could not parse HEIF file', 'Error loading image ids', 'No images found'];

/**
 * A HEIC file's primary image as 8-bit RGB (libheif and libde265 compiled to WebAssembly, libheif-js, loaded on the
 * first call): the one a viewer shows and libvips reads the header of, whatever its place among the file's top-level
 * images. Runs on the calling thread: on a worker (heic-worker.ts) or, from the TypeScript sources, on the caller's.
 * Throws libheif's error as it is; the caller names the file.
 */
export async function decodeHeicBytes(bytes: Uint8Array): Promise<{ width: number; height: number; data: Uint8Array }> {
  loading ??= import('libheif-js/wasm-bundle.js').then(async ({ default: libheif }) => {
    await libheif.ready;
    return libheif;
  });
  const libheif = await loading;
  // A thread never runs two decodes at once (heic.ts gives each worker, and the calling thread, one at a time), so
  // the swap is undone before the next one.
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (!LIBHEIF_LOG.includes(String(args[0]))) log(...args);
  };
  const decoder = new libheif.HeifDecoder();
  let images: HeifImage[] = [];
  try {
    images = decoder.decode(bytes);
    const image = images.find((i) => i.is_primary()) ?? images[0];
    if (!image) throw new Error('HEIF image not found');
    return await rgbOf(image);
  } finally {
    console.log = log;
    for (const i of images) i.free();
    decoder.decoder?.delete();
  }
}

async function rgbOf(image: HeifImage): Promise<{ width: number; height: number; data: Uint8Array }> {
  const width = image.get_width();
  const height = image.get_height();
  const n = width * height;
  const rgba = await new Promise<Uint8ClampedArray>((resolve, reject) => {
    image.display({ data: new Uint8ClampedArray(n * 4), width, height }, (shown) => (shown ? resolve(shown.data) : reject(new Error('HEIF processing error'))));
  });
  if (rgba.length !== n * 4) throw new Error(`libheif gave ${rgba.length} bytes for ${width}×${height} RGBA`);
  const data = new Uint8Array(n * 3);
  for (let p = 0, q = 0; p < n; p++, q += 4) {
    data[3 * p] = rgba[q];
    data[3 * p + 1] = rgba[q + 1];
    data[3 * p + 2] = rgba[q + 2];
  }
  return { width, height, data };
}
