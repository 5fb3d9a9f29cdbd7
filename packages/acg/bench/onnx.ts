/**
 * Optional inference path for the benchmark: the ACG forward pass exported to
 * ONNX by tools/acg-reference/export_onnx.py (Debian python3-torch), run by
 * onnxruntime-node (installed at the workspace root; not a dependency of
 * @acseg/acg). Returns undefined where either is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface OnnxAcg {
  run(tokens: Float32Array[], n: number, d: number): Promise<{ assignment: Float32Array; concepts: Float32Array }>;
}

export async function exportAndLoad(checkpointDir: string, threads = 2): Promise<OnnxAcg | undefined> {
  const script = join(import.meta.dirname, '..', '..', '..', 'tools', 'acg-reference', 'export_onnx.py');
  if (!existsSync('/usr/bin/python3')) return undefined;
  const out = join(checkpointDir, 'acg.onnx');
  try {
    execFileSync('/usr/bin/python3', [script, checkpointDir, out], { stdio: ['ignore', 'ignore', 'ignore'], cwd: join(script, '..') });
  } catch {
    return undefined;
  }
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch {
    return undefined;
  }
  const session = await ort.InferenceSession.create(out, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  return {
    async run(tokens, n, d) {
      const flat = new Float32Array(tokens.length * n * d);
      tokens.forEach((t, b) => flat.set(t, b * n * d));
      const res = await session.run({ features: new ort.Tensor('float32', flat, [tokens.length, n, d]) });
      return { assignment: res.assignment.data as Float32Array, concepts: res.concepts.data as Float32Array };
    },
  };
}
