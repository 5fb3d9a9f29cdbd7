import { statSync } from 'node:fs';

/**
 * "the file is empty (0 bytes)" when `path` is an empty file, else undefined. Image decoders call such a file an
 * unsupported format; backbones ask this first when decoding fails, so the user hears what is actually wrong.
 */
export function emptyFileProblem(path: string): string | undefined {
  try {
    const st = statSync(path);
    return st.isFile() && st.size === 0 ? 'the file is empty (0 bytes)' : undefined;
  } catch {
    return undefined;
  }
}
