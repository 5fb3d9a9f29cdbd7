/**
 * End-to-end wall time of the paper's protocols on voc-mini with components
 * that need no model file: handcrafted patch features, k-means concepts
 * (k = 5), the k-means region classifier (Tables 1–2 protocol, K = 20) and
 * the k-NN classifier (Table 3, train → val). The mIoU of handcrafted
 * features says nothing about the paper's numbers (those need DINO).
 * Run: cd packages/eval && npx tsx --conditions=@acseg/source bench/e2e-voc.ts [seeds]
 * (VOC_ROOT=DIR for another VOC layout than ../shared/datasets/voc-mini beside the repository)
 */
import { HandcraftedBackbone } from '@acseg/backbone-handcrafted';
import { KMeansClassifier, KnnClassifier } from '@acseg/classifier-kmeans';
import { KMeansGenerator } from '@acseg/generator-clustering';
import { evaluateClustering, evaluateKnnRetrieval, formatPaperTable, openVoc, segmentSplit } from '../src/index.js';
import { silentLogger, silentProgress } from '@acseg/core';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(process.env.VOC_ROOT ?? join(import.meta.dirname, '../../../../shared/datasets/voc-mini'));
if (!existsSync(root)) {
  console.error(`${root}: not found; set VOC_ROOT to a VOC 2012 folder (JPEGImages/, SegmentationClass/, ImageSets/Segmentation/)`);
  process.exit(2);
}
const nSeeds = Number(process.argv[2] ?? 10);
const val = await openVoc(root, { split: 'val' });
const train = await openVoc(root, { split: 'train' });
const backbone = new HandcraftedBackbone({});
const generator = new KMeansGenerator({ k: 5 });
const common = { backbone, generator, log: silentLogger, progress: silentProgress };

let t = performance.now();
const valSeg = await segmentSplit({ ...common, dataset: val });
const tSegVal = (performance.now() - t) / 1000;
t = performance.now();
const trainSeg = await segmentSplit({ ...common, dataset: train });
const tSegTrain = (performance.now() - t) / 1000;

t = performance.now();
const clustering = await evaluateClustering({
  ...common,
  dataset: val,
  segmented: valSeg,
  seeds: Array.from({ length: nSeeds }, (_, i) => i),
  classifierFactory: (seed) => new KMeansClassifier({ K: 20, seed }),
  method: 'handcrafted + k-means(5)',
});
const tClust = (performance.now() - t) / 1000;
t = performance.now();
const knn = await evaluateKnnRetrieval({
  ...common,
  dataset: val,
  train,
  segmented: valSeg,
  trainSegmented: trainSeg,
  knnFactory: (K) => new KnnClassifier({ K }),
  method: 'handcrafted + k-means(5)',
});
const tKnn = (performance.now() - t) / 1000;

console.log(formatPaperTable(clustering));
console.log();
console.log(formatPaperTable(knn));
console.log();
console.log('| step | images | seconds |\n|---|---|---|');
console.log(`| segment val (backbone + generator) | ${valSeg.segmented.length} | ${tSegVal.toFixed(1)} |`);
console.log(`| segment train | ${trainSeg.segmented.length} | ${tSegTrain.toFixed(1)} |`);
console.log(
  `| k-means protocol, ${nSeeds} seeds (region embeddings, fit, classify, confusion, Hungarian) | ${valSeg.segmented.length} | ${tClust.toFixed(1)} |`,
);
console.log(`| k-NN K=1 and K=5 (bank from train, classify val) | ${valSeg.segmented.length} | ${tKnn.toFixed(1)} |`);
