import { AcsegError } from '@acseg/core';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The onnxruntime-node module. */
export type Ort = typeof import('onnxruntime-node');

let ortModule: Promise<Ort | undefined> | undefined;
let loadError: string | undefined;

/**
 * onnxruntime-node, imported once and only when first needed (listing plugins
 * or `--help` loads no native code); undefined where its native binding cannot load.
 */
export function loadOnnxRuntime(): Promise<Ort | undefined> {
  ortModule ??= import('onnxruntime-node').then(
    (m) => m,
    (e: unknown) => {
      loadError = firstLine(e);
      return undefined;
    },
  );
  return ortModule;
}

/** Why onnxruntime-node did not load (after `loadOnnxRuntime` resolved to undefined). */
export function onnxRuntimeError(): string | undefined {
  return loadError;
}

/** onnxruntime-node, or an AcsegError saying why it cannot load. */
export async function requireOnnxRuntime(): Promise<Ort> {
  const ort = await loadOnnxRuntime();
  if (ort) return ort;
  throw new AcsegError('BAD_CONFIG', `onnxruntime-node cannot load: ${loadError ?? 'unknown reason'}`, {
    hint: 'install onnxruntime-node 1.30 with its native binding (npm install runs its install script)',
  });
}

/**
 * Whether onnxruntime-node's CUDA provider library is installed (its install
 * script downloads it; without it a CUDA session cannot load).
 */
export function cudaProviderInstalled(): boolean {
  try {
    const bin = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin');
    return readdirSync(bin).some((napi) => existsSync(join(bin, napi, process.platform, process.arch, 'libonnxruntime_providers_cuda.so')));
  } catch {
    return false;
  }
}

/** onnxruntime's whole message on one line (its details, e.g. the expected shape, follow the first line). */
export function reason(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim().replace(/\s*\n\s*/g, ' ');
}

/** The first line only, for one-line logs. */
export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim().split('\n')[0].slice(0, 160);
}
