// heic-decode ships no types; this is the part of its API acseg calls (its README's `decode({ buffer })`).
declare module 'heic-decode' {
  /** The file's first top-level image as 8-bit RGBA, HEIF's rotation and mirroring applied. */
  export default function decode(input: { buffer: ArrayBufferView | ArrayBuffer }): Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
}
