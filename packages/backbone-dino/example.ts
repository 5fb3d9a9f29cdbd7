// A runnable example with nothing downloaded: convert a tiny random DINO ViT, then extract features from a JPEG
// (the repository's samples/street.jpg, or the image given).
// npx tsx --conditions=@acseg/source packages/backbone-dino/example.ts [image]
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeSafetensors } from '@acseg/safetensors';
import { convertCheckpoint, DinoBackbone } from './src/index.js';
import { makeVitWeights } from './src/testing/tiny-vit.js';
const image = resolve(process.argv[2] ?? join(import.meta.dirname, '../../samples/street.jpg'));
const tmp = await mkdtemp(join(tmpdir(), 'acseg-tiny-'));
await writeSafetensors(join(tmp, 'model.safetensors'), makeVitWeights());
const config = join(tmp, 'config.json');
writeFileSync(config, JSON.stringify({ num_attention_heads: 3 }));
const { out, info } = await convertCheckpoint({ weights: join(tmp, 'model.safetensors'), out: join(tmp, 'model.onnx'), inputSize: 64, config });
const dino = await DinoBackbone.load({ model: out, log: console });
for await (const r of dino.extract([image]))
  if (r.ok) console.log(info, r.features.grid, r.features.imageSize, r.features.attention!.heads);
  else console.error(r.error.message);
await dino.dispose();
await rm(tmp, { recursive: true, force: true });
