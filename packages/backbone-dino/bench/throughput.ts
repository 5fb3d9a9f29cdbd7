/**
 * Throughput of DINO ViT-S/16 at 224 (random weights, built like a converted
 * checkpoint) on CPU: (a) the bare onnxruntime session on ready tensors, (b)
 * the full path from JPEG files (decode, resize, normalize, run, extract).
 * imagesDir defaults to ../shared/datasets/voc-mini/JPEGImages beside the repository.
 *
 *   npx tsx --conditions=@acseg/source packages/backbone-dino/bench/throughput.ts [imagesDir] [count] [batchSize] [rounds]
 */
import { silentLogger } from '@acseg/core';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DinoBackbone } from '../src/backbone.js';
import { buildVitOnnx } from '../src/onnx/buildVit.js';
import { describeVitModel } from '../src/onnx/describe.js';
import { VitSession } from '../src/onnx/session.js';
import { makeVitWeights, VIT_S16 } from '../src/testing/tinyVit.js';
import { inferVitConfig } from '../src/vit/config.js';

const dir = resolve(process.argv[2] ?? join(import.meta.dirname, '../../../../shared/datasets/voc-mini/JPEGImages'));
if (!existsSync(dir)) {
  console.error(`${dir}: not found; pass a folder of JPEG images as the first argument`);
  process.exit(2);
}
const count = Number(process.argv[3] ?? 96);
const batchSize = Number(process.argv[4] ?? 8);
const S = 224;

const files = readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort().slice(0, count).map((f) => join(dir, f));
const tmp = mkdtempSync(join(tmpdir(), 'dino-bench-'));
const weights = makeVitWeights(VIT_S16);
const bytes = buildVitOnnx(weights, inferVitConfig(weights, 'random', { num_attention_heads: 6 }), { inputSize: S, modelName: 'vits16-random' });
const modelFile = join(tmp, 'vits16.onnx');
writeFileSync(modelFile, bytes);

const rounds = Number(process.argv[5] ?? 3);
const session = await VitSession.create(describeVitModel(bytes, modelFile), 'cpu', silentLogger);
const backbone = await DinoBackbone.load({ model: modelFile, batchSize, provider: 'cpu' });
const pixels = new Float32Array(batchSize * 3 * S * S).map((_, i) => Math.sin(i) * 2);

async function bare(n: number): Promise<number> {
  const t0 = performance.now();
  for (let done = 0; done < n; done += batchSize) await session.run(pixels, Math.min(batchSize, n - done), S, { attention: true });
  return (performance.now() - t0) / 1000;
}

async function full(list: string[]): Promise<number> {
  const t0 = performance.now();
  let ok = 0;
  for await (const r of backbone.extract(list)) if (r.ok) ok++;
  if (ok !== list.length) throw new Error(`${list.length - ok} images failed`);
  return (performance.now() - t0) / 1000;
}

const n = files.length;
await bare(batchSize); // warm-up
await full(files.slice(0, batchSize));
// Alternate the two so that load from other processes hits both alike; report the median round.
const ta: number[] = [];
const tb: number[] = [];
for (let r = 0; r < rounds; r++) {
  ta.push(await bare(n));
  tb.push(await full(files));
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const ra = n / median(ta);
const rb = n / median(tb);
console.log(`DINO ViT-S/16 @${S}, batch ${batchSize}, ${n} images from ${dir}, ${cpus().length} CPUs, onnxruntime-node cpu, median of ${rounds} alternating rounds`);
console.log('| path | images | seconds (median) | images/s |');
console.log('|---|---:|---:|---:|');
console.log(`| (a) bare ORT session, ready tensors | ${n} | ${median(ta).toFixed(2)} | ${ra.toFixed(2)} |`);
console.log(`| (b) JPEG files → extract() | ${n} | ${median(tb).toFixed(2)} | ${rb.toFixed(2)} |`);
console.log(`| ratio (b)/(a) | | | ${(rb / ra).toFixed(3)} (goal ≥ 0.9) |`);
console.log(`rounds (a): ${ta.map((t) => (n / t).toFixed(2)).join(', ')} images/s; (b): ${tb.map((t) => (n / t).toFixed(2)).join(', ')} images/s`);
await session.dispose();
await backbone.dispose();
rmSync(tmp, { recursive: true, force: true });
