/**
 * Throughput of the MaskCLIP dense vision graph and the text graph on
 * random ViT-B/16-sized weights (openai/clip-vit-base-patch16's shapes),
 * onnxruntime-node CPU. Run: npx tsx packages/classifier-clip/bench/dense.ts
 */
import { cpus } from 'node:os';
import * as ort from 'onnxruntime-node';
import { clipConfig } from '../src/clip-config.js';
import { buildTextGraph, TEXT_EOT, TEXT_IDS } from '../src/text-graph.js';
import { buildVisionGraph, VISION_INPUT } from '../src/vision-graph.js';
import { clipTensorShapes, seededTensor, type TinyClipSpec } from '../src/testing/tiny-model.js';

const VIT_B16: TinyClipSpec = {
  vision: { width: 768, heads: 12, layers: 12, patch: 16, imageSize: 224, mlp: 3072 },
  text: { width: 512, heads: 8, layers: 12, context: 77, vocab: 49408, mlp: 2048 },
  projection: 512,
};

const weights: Record<string, { shape: number[]; data: Float32Array }> = {};
for (const [name, shape] of clipTensorShapes(VIT_B16)) weights[name] = { shape, data: seededTensor(name, shape) };
const hf = { vision_config: { num_attention_heads: 12 }, text_config: { num_attention_heads: 8 } };
const cfg = clipConfig(weights, hf, 'random-vit-b16');
const opts: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all' };

const rows: string[] = [];
const tBuild = performance.now();
const vision = await ort.InferenceSession.create(buildVisionGraph(weights, cfg, 'random'), opts);
rows.push(`| vision graph: write from weights + onnxruntime session | ${((performance.now() - tBuild) / 1000).toFixed(1)} s | once per process |`);
for (const batch of [1, 4]) {
  const x = new ort.Tensor(
    'float32',
    new Float32Array(batch * 3 * 224 * 224).map((_, i) => Math.sin(i)),
    [batch, 3, 224, 224],
  );
  await vision.run({ [VISION_INPUT]: x }); // warm-up
  const runs = 3;
  const t0 = performance.now();
  for (let r = 0; r < runs; r++) await vision.run({ [VISION_INPUT]: x });
  const s = (performance.now() - t0) / 1000;
  rows.push(`| dense features, batch ${batch} | ${((runs * batch) / s).toFixed(2)} images/s | ${((s / (runs * batch)) * 1000).toFixed(0)} ms/image |`);
}
await vision.release();

const tText = performance.now();
const text = await ort.InferenceSession.create(buildTextGraph(weights, cfg, 'random'), opts);
rows.push(`| text graph: write from weights + onnxruntime session | ${((performance.now() - tText) / 1000).toFixed(1)} s | once per process |`);
const B = 64;
// L = 16: a batch as long as VOC's longest prompt ("a photo of the hard to see potted plant." is 12 tokens); L = 77: padded to the context.
for (const L of [16, 77]) {
  const ids = new BigInt64Array(B * L);
  const eot = new Float32Array(B * L);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < 11; i++) ids[b * L + i] = BigInt(100 + b + i);
    ids[b * L + 11] = 49407n;
    eot[b * L + 11] = 1;
  }
  const feeds = { [TEXT_IDS]: new ort.Tensor('int64', ids, [B, L]), [TEXT_EOT]: new ort.Tensor('float32', eot, [B, L]) };
  await text.run(feeds);
  const t0 = performance.now();
  await text.run(feeds);
  const s = (performance.now() - t0) / 1000;
  rows.push(
    `| text features, batch ${B}, length ${L} | ${(B / s).toFixed(1)} prompts/s | VOC's 20 classes × 85 templates ≈ ${((20 * 85) / (B / s)).toFixed(0)} s (once per class list) |`,
  );
}
await text.release();

console.log(`onnxruntime-node ${ort.env.versions.common}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`);
console.log('| what | throughput | note |\n|---|---|---|');
for (const r of rows) console.log(r);
