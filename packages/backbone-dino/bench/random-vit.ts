/**
 * Writes a DINO ViT-S/16 ONNX with random weights (built like a converted
 * checkpoint: d = 384, 12 blocks, 6 heads, input 224, attention exposed) for
 * benchmarks that need the real model's cost without its weights, e.g.
 * `tools/bench/scale.ts --backbone dino --model <file>`.
 *
 *   npx tsx --conditions=@acseg/source packages/backbone-dino/bench/random-vit.ts <out.onnx>
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildVitOnnx } from '../src/onnx/build-vit.js';
import { makeVitWeights, VIT_S16 } from '../src/testing/tiny-vit.js';
import { inferVitConfig } from '../src/vit/config.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: random-vit.ts <out.onnx>');
  process.exit(2);
}
const weights = makeVitWeights(VIT_S16);
writeFileSync(
  resolve(out),
  buildVitOnnx(weights, inferVitConfig(weights, 'random', { num_attention_heads: 6 }), { inputSize: 224, modelName: 'vits16-random' }),
);
console.log(`wrote ${resolve(out)}`);
