/**
 * Writes the PyTorch cross-check fixtures under src/testing/fixtures/:
 * a tiny random checkpoint (every tensor random, biases included), random
 * features, and what tools/acg-reference/forward.py (stock PyTorch modules,
 * float64) computes from them. Run from packages/acg:
 *   npx tsx scripts/make-reference-fixture.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSafetensors } from '@acseg/safetensors';
import { saveCheckpoint } from '../src/checkpoint/checkpoint.js';
import { makeConfig, paramSpecs, type ParamValues } from '../src/model/config.js';
import { Rng } from '../src/model/rng.js';

const root = join(import.meta.dirname, '..', 'src', 'testing', 'fixtures');
for (const [name, ffn, seed] of [
  ['relu', 'relu', 1],
  ['gelu', 'gelu', 2],
] as const) {
  const cfg = makeConfig(12, { k: 4, steps: 2, heads: 3, ffn, ffnDim: 20 });
  const rng = new Rng(seed);
  const params: ParamValues = {};
  for (const spec of paramSpecs(cfg)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const base = /norm\d\.weight$/.test(spec.name) ? 1 : 0;
    const scale = spec.name === 'prototypes' ? 1 : spec.linear ? 1 / Math.sqrt(spec.shape[1]) : 0.2;
    params[spec.name] = Float32Array.from({ length: size }, () => base + scale * rng.normal());
  }
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await saveCheckpoint(dir, { config: cfg, seed, params });
  const B = 2,
    n = 12;
  const feats = Float32Array.from({ length: B * n * cfg.dim }, () => rng.normal() + 0.5);
  await writeSafetensors(join(dir, 'features.safetensors'), { features: { shape: [B, n, cfg.dim], data: feats } });
  execFileSync(
    '/usr/bin/python3',
    [join(import.meta.dirname, '..', '..', '..', 'tools', 'acg-reference', 'forward.py'), dir, join(dir, 'features.safetensors'), join(dir, 'expected.json')],
    { stdio: 'inherit' },
  );
  console.log(`wrote ${dir}`);
}
