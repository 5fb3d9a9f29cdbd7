// A runnable example with nothing downloaded: convert a tiny random DINO ViT, then extract features from a JPEG.
// npx tsx --conditions=@acseg/source packages/backbone-dino/example.ts
import { writeFileSync } from 'node:fs';
import { writeSafetensors } from '@acseg/safetensors';
import { convertCheckpoint, DinoBackbone } from './src/index.js';
import { makeVitWeights } from './src/testing/tinyVit.js';
await writeSafetensors('/tmp/acseg-tiny.safetensors', makeVitWeights());
const config = '/tmp/acseg-tiny-config.json';
writeFileSync(config, JSON.stringify({ num_attention_heads: 3 }));
const { out, info } = await convertCheckpoint({ weights: '/tmp/acseg-tiny.safetensors', out: '/tmp/acseg-tiny.onnx', inputSize: 64, config });
const dino = await DinoBackbone.load({ model: out, log: console });
for await (const r of dino.extract(['/work/shared/datasets/voc-mini/JPEGImages/2007_000068.jpg']))
  if (r.ok) console.log(info, r.features.grid, r.features.imageSize, r.features.attention!.heads);
await dino.dispose();
