// libheif-js ships types for its raw bindings only; this is the part of its JavaScript wrapper acseg calls.
declare module 'libheif-js/wasm-bundle.js' {
  export interface HeifImage {
    get_width(): number;
    get_height(): number;
    is_primary(): boolean;
    /** Decodes into `target` as 8-bit RGBA, HEIF's rotation and mirroring applied; `null` on failure. */
    display(
      target: { data: Uint8ClampedArray; width: number; height: number },
      done: (shown: { data: Uint8ClampedArray; width: number; height: number } | null) => void,
    ): void;
    free(): void;
  }
  export interface HeifDecoder {
    /** The file's top-level images, in the file's order (empty when it cannot be read). */
    decode(bytes: ArrayBufferView | ArrayBuffer): HeifImage[];
    decoder: { delete(): void } | null;
  }
  export interface Libheif {
    ready?: Promise<unknown>;
    HeifDecoder: new () => HeifDecoder;
  }
  const libheif: Libheif;
  export default libheif;
}
