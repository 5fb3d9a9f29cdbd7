type HeicDecode = typeof import('heic-decode').default;

let loading: Promise<HeicDecode> | undefined;

/**
 * A HEIC file's first top-level image as 8-bit RGB (libheif and libde265 compiled to WebAssembly, through
 * heic-decode, loaded on the first call). Runs on the calling thread: on a worker (heic-worker.ts) or, from the
 * TypeScript sources, on the caller's. Throws libheif's error as it is; the caller names the file.
 */
export async function decodeHeicBytes(bytes: Uint8Array): Promise<{ width: number; height: number; data: Uint8Array }> {
  loading ??= import('heic-decode').then((m) => m.default);
  const decode = await loading;
  // libheif-js reports a failed decode on stdout (`console.log('Decoding image failed', ...)`) before heic-decode
  // rejects; the caller words that rejection itself, naming the file, so the line is dropped. A thread never runs two
  // decodes at once (heic.ts gives each worker, and the calling thread, one at a time), so the swap is undone before
  // the next one.
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (args[0] !== 'Decoding image failed') log(...args);
  };
  let rgba: { width: number; height: number; data: Uint8ClampedArray };
  try {
    rgba = await decode({ buffer: bytes });
  } finally {
    console.log = log;
  }
  const { width, height } = rgba;
  const n = width * height;
  if (rgba.data.length !== n * 4) throw new Error(`libheif gave ${rgba.data.length} bytes for ${width}×${height} RGBA`);
  const data = new Uint8Array(n * 3);
  for (let p = 0, q = 0; p < n; p++, q += 4) {
    data[3 * p] = rgba.data[q];
    data[3 * p + 1] = rgba.data[q + 1];
    data[3 * p + 2] = rgba.data[q + 2];
  }
  return { width, height, data };
}
