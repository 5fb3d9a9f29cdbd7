import { AcsegError } from '@acseg/core';
import { readSafetensors, writeSafetensors, type Tensor, type TensorToWrite } from '@acseg/safetensors';

/**
 * Classifier state as safetensors: tensors plus string metadata, with a
 * `format` entry (`acseg-kmeans/1`, `acseg-knn/1`) checked on load.
 */
export async function saveState(path: string, format: string, tensors: Record<string, TensorToWrite>, metadata: Record<string, string>): Promise<void> {
  try {
    await writeSafetensors(path, tensors, { format, ...metadata });
  } catch (e) {
    throw new AcsegError('BAD_CHECKPOINT', `${path}: cannot write the classifier state: ${e instanceof Error ? e.message : String(e)}`, {
      file: path,
      cause: e,
    });
  }
}

export interface LoadedState {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

export async function loadState(path: string, format: string): Promise<LoadedState> {
  let state: LoadedState;
  try {
    state = await readSafetensors(path);
  } catch (e) {
    throw new AcsegError('BAD_CHECKPOINT', `${path}: cannot read the classifier state: ${e instanceof Error ? e.message : String(e)}`, {
      file: path,
      cause: e,
    });
  }
  if (state.metadata.format !== format) {
    throw new AcsegError('BAD_CHECKPOINT', `${path}: not a ${format} checkpoint (format ${JSON.stringify(state.metadata.format ?? null)})`, {
      file: path,
      hint: 'pass the file saved by this classifier',
    });
  }
  return state;
}

/** A float tensor of rank 2 (rows × dim), or an error naming the file. */
export function matrix(state: LoadedState, name: string, path: string): { rows: number; dim: number; data: Float32Array } {
  const t = state.tensors[name];
  if (!t || t.shape.length !== 2 || !(t.data instanceof Float32Array) || t.shape[0] < 1 || t.shape[1] < 1) {
    throw new AcsegError('BAD_CHECKPOINT', `${path}: tensor "${name}" is missing or not a non-empty float matrix`, { file: path });
  }
  for (const v of t.data) if (!Number.isFinite(v)) throw new AcsegError('BAD_CHECKPOINT', `${path}: tensor "${name}" holds a non-finite value`, { file: path });
  return { rows: t.shape[0], dim: t.shape[1], data: t.data };
}

export function metaBool(state: LoadedState, name: string, path: string): boolean {
  const v = state.metadata[name];
  if (v !== 'true' && v !== 'false')
    throw new AcsegError('BAD_CHECKPOINT', `${path}: metadata "${name}" must be true or false, got ${JSON.stringify(v ?? null)}`, { file: path });
  return v === 'true';
}

export function metaInt(state: LoadedState, name: string, path: string, min: number): number {
  const v = Number(state.metadata[name]);
  if (!Number.isInteger(v) || v < min)
    throw new AcsegError('BAD_CHECKPOINT', `${path}: metadata "${name}" must be an integer ≥ ${min}, got ${JSON.stringify(state.metadata[name] ?? null)}`, {
      file: path,
    });
  return v;
}
