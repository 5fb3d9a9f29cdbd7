/**
 * Throughput of the evaluation's own work (no model): reading label PNGs,
 * accumulating the confusion matrix, Hungarian matching.
 * Run: cd packages/eval && npx tsx --conditions=@acseg/source bench/metrics.ts
 * (VOC_ROOT, CAMVID_ROOT: other folders than ../shared/datasets/voc-mini and camvid beside the repository)
 */
import { ConfusionMatrix, hungarianMatch, openCamVid, openVoc, type Dataset, type LabelMap } from '../src/index.js';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The folder in `variable`, else ../shared/datasets/<name> beside the repository; stops here when it is missing. */
function dataset(variable: string, name: string): string {
  const dir = resolve(process.env[variable] ?? join(import.meta.dirname, '../../../../shared/datasets', name));
  if (!existsSync(dir)) {
    console.error(`${dir}: not found; set ${variable} to the ${name} folder`);
    process.exit(2);
  }
  return dir;
}
const VOC = dataset('VOC_ROOT', 'voc-mini');
const CAMVID = dataset('CAMVID_ROOT', 'camvid');
const rows: string[][] = [];

async function readAll(ds: Dataset): Promise<LabelMap[]> {
  const t = performance.now();
  const out: LabelMap[] = [];
  for (const item of ds.items) out.push(await ds.loadLabel(item));
  const s = (performance.now() - t) / 1000;
  const px = out.reduce((a, l) => a + l.data.length, 0);
  rows.push([`loadLabel ${ds.name} ${ds.split}`, `${out.length} labels`, `${(out.length / s).toFixed(0)} labels/s`, `${(px / s / 1e6).toFixed(1)} Mpx/s`]);
  return out;
}

function accumulate(name: string, labels: LabelMap[], classes: number): void {
  // A fixed pseudo-prediction: the label shifted by one class.
  const preds = labels.map((l) => l.data.map((v) => (v === 255 ? 0 : (v + 1) % classes)));
  const t = performance.now();
  const reps = 5;
  for (let r = 0; r < reps; r++) {
    const cm = new ConfusionMatrix(classes);
    labels.forEach((l, i) => cm.add(l.data, preds[i]));
  }
  const s = (performance.now() - t) / 1000 / reps;
  const px = labels.reduce((a, l) => a + l.data.length, 0);
  rows.push([`confusion ${name}`, `${(px / 1e6).toFixed(1)} Mpx`, `${(s * 1000).toFixed(0)} ms`, `${(px / s / 1e6).toFixed(0)} Mpx/s`]);
}

function hungarian(classes: number, ids: number): void {
  let seed = 1;
  const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const counts = Array.from({ length: classes }, () => Array.from({ length: ids }, () => Math.floor(rnd() * 1e6)));
  for (const mode of ['pixels', 'iou'] as const) {
    const reps = 20;
    const t = performance.now();
    for (let r = 0; r < reps; r++) hungarianMatch(counts, mode);
    rows.push([`hungarian ${mode}`, `${classes} classes × ${ids} ids`, `${((performance.now() - t) / reps).toFixed(2)} ms`, '']);
  }
}

const voc = await readAll(await openVoc(VOC, { split: 'val' }));
const camvid = await readAll(await openCamVid(CAMVID, { split: 'val' }));
accumulate('voc-mini val', voc, 21);
accumulate('camvid val', camvid, 11);
hungarian(21, 21);
hungarian(27, 27);
hungarian(27, 254);
const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
console.log(`| what | size | time / rate | rate |\n|---|---|---|---|`);
for (const r of rows) console.log(`| ${r.map((c, i) => c.padEnd(w[i])).join(' | ')} |`);
