import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readSafetensors } from '@acseg/safetensors';
import { loadCheckpoint, type Checkpoint } from '../checkpoint/checkpoint.js';

/** What tools/acg-reference/forward.py computed (float64 PyTorch) for a committed fixture. */
export interface ReferenceExpected {
  assignment: number[];
  concepts: number[];
  loss: number;
  grads: Record<string, number[]>;
}

/** A committed PyTorch reference fixture (src/testing/fixtures/<name>): checkpoint, features per image, expected outputs. */
export async function loadReferenceFixture(
  name: 'relu' | 'gelu' | string,
): Promise<{ ckpt: Checkpoint; expected: ReferenceExpected; tokens: Float32Array[]; n: number }> {
  const dir = join(import.meta.dirname, 'fixtures', name);
  const ckpt = await loadCheckpoint(dir);
  const expected = JSON.parse(await readFile(join(dir, 'expected.json'), 'utf8')) as ReferenceExpected;
  const feats = (await readSafetensors(join(dir, 'features.safetensors'))).tensors.features;
  const [B, n, d] = feats.shape;
  const data = feats.data as Float32Array;
  return { ckpt, expected, n, tokens: Array.from({ length: B }, (_, b) => data.slice(b * n * d, (b + 1) * n * d)) };
}
