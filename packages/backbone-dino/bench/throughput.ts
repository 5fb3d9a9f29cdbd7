/**
 * Throughput of ViT backbones at 224 (random weights of the real shapes,
 * built like converted checkpoints) on CPU, per model: (a) the bare
 * onnxruntime session on ready tensors, (b) the full path from JPEG files
 * (decode, resize, normalize, run, extract), in alternating rounds.
 * imagesDir defaults to ../shared/datasets/voc-mini/JPEGImages beside the
 * repository; models default to dino-vits16,dinov2-vits14,dinov2-reg-vits14,dinov3-vits16
 * (also dinov2-vitb14, dinov3-vitb16).
 *
 *   npx tsx --conditions=@acseg/source packages/backbone-dino/bench/throughput.ts [imagesDir] [count] [batchSize] [rounds=5] [models]
 */
import { silentLogger } from '@acseg/core';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// The built backbone: its resizes run on worker threads, which TypeScript sources cannot start (npm run build first).
import { DinoBackbone } from '../dist/backbone.js';
import { buildVitOnnx } from '../src/onnx/build-vit.js';
import { describeVitModel } from '../src/onnx/describe.js';
import { VitSession } from '../src/onnx/session.js';
import { makeFamilyWeights, REAL_SHAPES } from '../src/testing/family-weights.js';
import { inferVitConfig } from '../src/vit/config.js';

const dir = resolve(process.argv[2] ?? join(import.meta.dirname, '../../../../shared/datasets/voc-mini/JPEGImages'));
if (!existsSync(dir)) {
  console.error(`${dir}: not found; pass a folder of JPEG images as the first argument`);
  process.exit(2);
}
const count = Number(process.argv[3] ?? 96);
const batchSize = Number(process.argv[4] ?? 8);
const S = 224;

const files = readdirSync(dir)
  .filter((f) => /\.jpe?g$/i.test(f))
  .sort()
  .slice(0, count)
  .map((f) => join(dir, f));
if (!files.length) {
  console.error(`${dir}: no JPEG images in this folder`);
  process.exit(2);
}
const rounds = Number(process.argv[5] ?? 5);
const models = (process.argv[6] ?? 'dino-vits16,dinov2-vits14,dinov2-reg-vits14,dinov3-vits16').split(',');
const unknown = models.filter((m) => !REAL_SHAPES[m]);
if (unknown.length) {
  console.error(`unknown model ${unknown.join(', ')}; known: ${Object.keys(REAL_SHAPES).join(', ')}`);
  process.exit(2);
}
const tmp = mkdtempSync(join(tmpdir(), 'dino-bench-'));
const n = files.length;
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const rows: string[] = [];
const roundLines: string[] = [];

for (const name of models) {
  const shape = REAL_SHAPES[name];
  const weights = makeFamilyWeights(shape);
  const bytes = buildVitOnnx(weights, inferVitConfig(weights, 'random', { num_attention_heads: shape.heads }), { inputSize: S, modelName: `${name}-random` });
  const modelFile = join(tmp, `${name}.onnx`);
  writeFileSync(modelFile, bytes);
  const session = await VitSession.create(describeVitModel(bytes, modelFile), 'cpu', silentLogger);
  const backbone = await DinoBackbone.load({ model: modelFile, batchSize, provider: 'cpu' });
  const pixels = new Float32Array(batchSize * 3 * S * S).map((_, i) => Math.sin(i) * 2);

  const bare = async (k: number): Promise<number> => {
    const t0 = performance.now();
    for (let done = 0; done < k; done += batchSize) await session.run(pixels, Math.min(batchSize, k - done), S, { attention: true });
    return (performance.now() - t0) / 1000;
  };
  const full = async (list: string[]): Promise<number> => {
    const t0 = performance.now();
    let ok = 0;
    for await (const r of backbone.extract(list)) if (r.ok) ok++;
    if (ok !== list.length) throw new Error(`${list.length - ok} images failed`);
    return (performance.now() - t0) / 1000;
  };

  await bare(batchSize); // warm-up
  await full(files.slice(0, batchSize));
  // Alternate the two so that load from other processes hits both alike; report the median round.
  const ta: number[] = [];
  const tb: number[] = [];
  for (let r = 0; r < rounds; r++) {
    ta.push(await bare(n));
    tb.push(await full(files));
  }
  const ra = n / median(ta);
  const rb = n / median(tb);
  // Each round's own ratio (its two halves ran seconds apart, under the same load), and their median and range.
  const ratios = ta.map((t, r) => t / tb[r]);
  const rm = median(ratios);
  const range = `${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}`;
  const tokens = 1 + shape.registers + (S / shape.patchSize) ** 2;
  rows.push(
    `| ${name} (patch ${shape.patchSize}, ${shape.registers} registers, ${tokens} tokens) | ${ra.toFixed(2)} | ${rb.toFixed(2)} | ${rm.toFixed(3)}${rm >= 0.9 ? '' : ' (below 0.9)'} | ${range} |`,
  );
  roundLines.push(`${name}: (a) ${ta.map((t) => (n / t).toFixed(2)).join(', ')}; (b) ${tb.map((t) => (n / t).toFixed(2)).join(', ')} images/s`);
  await session.dispose();
  await backbone.dispose();
}

console.log(`ViTs @${S}, batch ${batchSize}, ${n} images from ${dir}, ${cpus().length} CPUs, onnxruntime-node cpu, median of ${rounds} alternating rounds`);
console.log(
  '| model (random weights, real shape) | (a) bare session, images/s | (b) JPEG → extract(), images/s | (b)/(a), median of rounds (goal ≥ 0.9) | range over rounds |',
);
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
for (const l of roundLines) console.log(`rounds ${l}`);
rmSync(tmp, { recursive: true, force: true });
