import { join, resolve } from 'node:path';
import { AcsegError, type ImageInput, type RgbImage } from '@acseg/core';
import { cropRgb, decodeImage, encodeJpeg, resizeRgb } from '@acseg/image-io';
import { writeFileAtomic } from './atomic.js';
import { esc, href, legend, page } from './html.js';
import { checkMap } from './label-png.js';
import { pickCaption, presentLegend, readingNotes, REPORT_CSS, writeOutlinedLabel, type ReportBaseline } from './eval-report-parts.js';

/** Crop/resize applied to an image before segmentation (e.g. COCO-Stuff's short side 320 + centre crop). */
export interface ImageTransform {
  resize?: { width: number; height: number };
  crop?: { left: number; top: number; width: number; height: number };
}

/**
 * A sample's image as the maps see it: decoded by the one decoder, `transform` applied, then resized (lanczos3) to
 * the maps' size when it still differs.
 */
async function sampleRgb(image: ImageInput, transform: ImageTransform | undefined, size: { width: number; height: number }): Promise<RgbImage> {
  let rgb = await decodeImage(image, transform?.resize ? { resize: { ...transform.resize, kernel: 'lanczos3' } } : {});
  if (transform?.crop) rgb = cropRgb(rgb, transform.crop);
  return resizeRgb(rgb, size.width, size.height, 'lanczos3');
}

/** Mean and (population) standard deviation over seeds. */
export interface MeanStd {
  mean: number;
  std: number;
}

export interface ReportSeed {
  seed: number;
  mIoU: number;
  pixelAccuracy: number;
}

export interface ReportSample {
  id: string;
  /** The original image: a path or a decoded image. */
  image: string | RgbImage;
  /** Applied to `image` before segmentation (resize, then crop), so it lines up with the class maps. */
  transform?: ImageTransform;
  /** The image as segmented, already at width × height (the evaluation's one decode): drawn instead of reading `image`. Not in metrics.json. */
  decoded?: RgbImage;
  width: number;
  height: number;
  /** Predicted class per pixel (after matching; 255 = unmatched): bytes, or base64 of them. */
  prediction: Uint8Array | string;
  /** Ground-truth class per pixel (255 = void): bytes, or base64 of them. */
  groundTruth?: Uint8Array | string;
  /** Why it is shown: spread over the split, or among the best/worst images by its own mIoU. */
  pick?: string;
  /** The image's own mIoU, percent. */
  mIoU?: number;
  /** The seed its prediction comes from. */
  seed?: number;
}

/**
 * What `writeEvalReport` renders: structurally what @acseg/eval's
 * `EvalReport` holds. All scores are percentages (0–100).
 */
export interface EvalReportInput {
  classNames: readonly string[];
  /** classes × classes pixel counts: row = ground truth, column = prediction. */
  confusion: readonly (readonly number[])[];
  /** Percent per class; null where undefined. */
  perClassIoU: readonly (number | null)[];
  /** Percent: a single value, or mean ± std over seeds. */
  mIoU: number | MeanStd;
  pixelAccuracy: number | MeanStd;
  seeds?: readonly ReportSeed[];
  samples?: readonly ReportSample[];
  /** Trivial predictions scored on the same pixels (e.g. the majority class), shown under the method's row. */
  baselines?: readonly ReportBaseline[];
  skipped?: ReadonlyArray<{ id: string; file?: string; reason: string }>;
  method?: string;
  protocol?: string;
  dataset?: string;
  split?: string;
  matching?: string;
  backbone?: string;
  generator?: string;
  classifier?: string;
  images?: number;
  date?: string;
  seconds?: number;
}

const bytes = (m: Uint8Array | string): Uint8Array => (typeof m === 'string' ? new Uint8Array(Buffer.from(m, 'base64')) : m);
const ms = (v: number | MeanStd): MeanStd => (typeof v === 'number' ? { mean: v, std: 0 } : v);
const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(1));

/** "47.1 ± 2.4" as in the paper's tables; just "47.1" for one seed. */
export function formatMeanStd(v: number | MeanStd, seeds: number): string {
  const m = ms(v);
  return seeds > 1 ? `${pct(m.mean)} ± ${pct(m.std)}` : pct(m.mean);
}

/** JSON-safe copy: typed arrays → base64, decoded images → their id and size. */
function toJson(report: EvalReportInput): unknown {
  return JSON.parse(
    JSON.stringify(report, (k, v: unknown) => {
      if (k === 'decoded') return undefined;
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
      if (v && typeof v === 'object' && 'data' in v && (v as RgbImage).data instanceof Uint8Array && 'width' in v) {
        const img = v as RgbImage;
        return { id: img.id ?? null, width: img.width, height: img.height };
      }
      return v;
    }),
  );
}

function confusionHeat(confusion: readonly (readonly number[])[], names: readonly string[]): string {
  const head = names.map((n) => `<th class="col" title="${esc(n)}">${esc(n)}</th>`).join('');
  const rows = confusion
    .map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0);
      const cells = row
        .map((v, j) => {
          const f = total > 0 ? v / total : 0;
          const bg = `rgba(60, 111, 216, ${f.toFixed(3)})`;
          const fg = f > 0.5 ? '#fff' : '#1d2330';
          return `<td style="background: ${bg}; color: ${fg}" title="${esc(`${names[i]} → ${names[j]}: ${v} px (${(100 * f).toFixed(1)}% of the row)`)}">${f >= 0.005 ? Math.round(100 * f) : ''}</td>`;
        })
        .join('');
      return `<tr><th>${esc(names[i])}</th>${cells}</tr>`;
    })
    .join('\n');
  return `<table class="heat" id="confusion"><thead><tr><th>ground truth ↓ / predicted →</th>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>
<p class="meta">Cells: percent of the row's (ground-truth class's) pixels predicted as the column's class; hover for counts.</p>`;
}

/** A sample's pictures: the image, and its prediction and ground truth in the palette with class outlines. */
async function writeSample(dir: string, s: ReportSample): Promise<{ image: string; prediction: string; groundTruth?: string; legend: Uint8Array }> {
  const base = join(dir, 'samples', s.id);
  const prediction = bytes(s.prediction);
  checkMap(`sample ${s.id} prediction`, prediction, s.width, s.height);
  const rgb = s.decoded ?? (await sampleRgb(s.image, s.transform, { width: s.width, height: s.height }));
  const image = `${base}.jpg`;
  await writeFileAtomic(image, await encodeJpeg(rgb, 85));
  await writeOutlinedLabel(`${base}.pred.png`, prediction, s.width, s.height);
  let groundTruth: string | undefined;
  let gt: Uint8Array | undefined;
  if (s.groundTruth !== undefined) {
    groundTruth = `${base}.gt.png`;
    gt = bytes(s.groundTruth);
    await writeOutlinedLabel(groundTruth, gt, s.width, s.height);
  }
  // The legend covers the classes of both maps.
  const legend = gt ? new Uint8Array([...prediction, ...gt]) : prediction;
  return { image, prediction: `${base}.pred.png`, groundTruth, legend };
}

/**
 * Writes `dir/report.html` (paper-style table, per-class IoU bars,
 * confusion heat map, sample predictions beside ground truth; no scripts,
 * no external resources) and `dir/metrics.json`. Returns both paths.
 */
export async function writeEvalReport(dir: string, report: EvalReportInput): Promise<{ html: string; json: string }> {
  const out = resolve(dir);
  const names = report.classNames;
  const k = names.length;
  if (!k) throw new AcsegError('BAD_INPUT', 'evaluation report: the class list is empty');
  if (report.confusion.length !== k || report.confusion.some((r) => r.length !== k)) {
    throw new AcsegError('BAD_INPUT', `evaluation report: the confusion matrix must be ${k}×${k} (one row and column per class)`);
  }
  if (report.perClassIoU.length !== k) throw new AcsegError('BAD_INPUT', `evaluation report: ${report.perClassIoU.length} per-class IoUs for ${k} classes`);
  const seeds = report.seeds ?? [];
  const nSeeds = Math.max(1, seeds.length);
  const json = join(out, 'metrics.json');
  await writeFileAtomic(json, `${JSON.stringify(toJson(report), null, 2)}\n`);

  const meta = [
    ['dataset', [report.dataset, report.split].filter(Boolean).join(' / ')],
    ['protocol', report.protocol],
    ['matching', report.matching],
    ['backbone', report.backbone],
    ['generator', report.generator],
    ['classifier', report.classifier],
    ['images', report.images],
    ['seeds', seeds.length || undefined],
    ['date', report.date],
    ['time', report.seconds === undefined ? undefined : `${report.seconds.toFixed(1)} s`],
  ]
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k2, v]) => `<b>${esc(k2)}</b> ${esc(v)}`)
    .join(' · ');

  const main = `<table id="results"><thead><tr><th>Method</th><th>Protocol</th><th class="num">mIoU (%)</th><th class="num">Pixel acc. (%)</th></tr></thead>
<tbody><tr><td>${esc(report.method ?? 'acseg')}</td><td>${esc(report.protocol ?? '')}</td><td class="num">${formatMeanStd(report.mIoU, nSeeds)}</td><td class="num">${formatMeanStd(report.pixelAccuracy, nSeeds)}</td></tr>
${(report.baselines ?? []).map((b) => `<tr class="baseline"><td>${esc(b.name)} (reference)</td><td>${esc(b.note)}</td><td class="num">${pct(b.mIoU)}</td><td class="num">${pct(b.pixelAccuracy)}</td></tr>`).join('\n')}</tbody></table>
${nSeeds > 1 ? `<p class="meta">mean ± standard deviation over ${nSeeds} seeds</p>` : ''}`;
  const firstSeed = report.samples?.[0]?.seed ?? seeds[0]?.seed ?? 0;
  const reading = readingNotes({ seeds, sampleSeed: firstSeed, matching: report.matching, baselines: report.baselines ?? [] });
  const seedTable =
    seeds.length > 1
      ? `<h2>Seeds</h2><table id="seeds"><thead><tr><th>seed</th><th class="num">mIoU</th><th class="num">pixel acc.</th></tr></thead><tbody>${seeds.map((s) => `<tr><td>${esc(s.seed)}</td><td class="num">${pct(s.mIoU)}</td><td class="num">${pct(s.pixelAccuracy)}</td></tr>`).join('')}</tbody></table>`
      : '';
  const iouRows = names
    .map((n, i) => {
      const v = report.perClassIoU[i];
      const w = v === null || !Number.isFinite(v) ? 0 : Math.max(0, Math.min(100, v));
      return `<tr><td>${esc(n)}</td><td class="num">${pct(v)}</td><td><div class="bar"><span style="width: ${w.toFixed(1)}%"></span></div></td></tr>`;
    })
    .join('\n');

  const sampleCards: string[] = [];
  const zooms: string[] = [];
  for (const [k, s] of (report.samples ?? []).entries()) {
    const files = await writeSample(out, s);
    const fig = (f: string | undefined, cap: string) =>
      f
        ? `<figure><img${f.endsWith('.png') ? ' class="label"' : ''} src="${href(out, f)}" alt="${esc(`${s.id} ${cap}`)}"><figcaption>${cap}</figcaption></figure>`
        : `<figure><p class="empty">no ${cap}</p></figure>`;
    const figures = `${fig(files.image, 'image')}${fig(files.prediction, 'prediction')}${fig(files.groundTruth, 'ground truth')}`;
    const caption = pickCaption(s.pick, s.mIoU);
    const legendHtml = presentLegend(files.legend, names);
    // Click to enlarge without scripts: the link targets an overlay that :target shows.
    const zoomId = `zoom-${k}`;
    sampleCards.push(
      `<article class="card" data-id="${esc(s.id)}"${s.pick ? ` data-pick="${esc(s.pick)}"` : ''}><h3>${esc(s.id)}</h3>${caption ? `<p class="meta pick">${esc(caption)}</p>` : ''}<a href="#${zoomId}" title="enlarge"><div class="row">${figures}</div></a>${legendHtml}</article>`,
    );
    zooms.push(
      `<div class="zoom" id="${zoomId}"><a class="close" href="#samples" title="close">×</a><h3>${esc(s.id)}${caption ? ` — ${esc(caption)}` : ''}</h3><div class="row">${figures}</div>${legendHtml}</div>`,
    );
  }
  const skipped = report.skipped ?? [];
  const title = `acseg evaluation${report.dataset ? ` — ${report.dataset}` : ''}`;
  const body = `<header><h1>${esc(title)}</h1><p class="meta">${meta}</p></header>
<main>
<h2>Results</h2>
${main}
${reading}
${seedTable}
<h2>Per-class IoU</h2>
<table id="per-class"><thead><tr><th>class</th><th class="num">IoU (%)</th><th></th></tr></thead><tbody>
${iouRows}
</tbody></table>
<h2>Confusion matrix (seed ${esc(firstSeed)}${nSeeds > 1 ? ' only' : ''})</h2>
${confusionHeat(report.confusion, names)}
<h2>Samples (seed ${esc(firstSeed)}${nSeeds > 1 ? ' only' : ''})</h2>
<p class="meta">${report.samples?.some((s) => s.pick && s.pick !== 'spread') ? 'Images spread over the split, then the worst and the best by their own mIoU. ' : ''}Class borders are outlined in white; click a sample to enlarge it.</p>
${legend([...names.map((_, i) => i), 255], names)}
${sampleCards.length ? `<section class="cards" id="samples">${sampleCards.join('\n')}</section>\n${zooms.join('\n')}` : '<p class="empty" id="samples">no samples</p>'}
${skipped.length ? `<h2>Skipped</h2><ul class="skipped" id="skipped">${skipped.map((s) => `<li><code>${esc(s.file ?? s.id)}</code>: ${esc(s.reason)}</li>`).join('')}</ul>` : ''}
</main>`;
  const html = join(out, 'report.html');
  await writeFileAtomic(html, page(title, body, REPORT_CSS));
  return { html, json };
}
