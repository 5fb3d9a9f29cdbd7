import { encode } from 'fast-png';
import { writeFileAtomic } from './atomic.js';
import { esc } from './html.js';
import { checkMap } from './label-png.js';
import { classColor, VOC_PALETTE } from './palette.js';

/** Where the protocol (Hungarian matching of clusters to classes) is described. */
export const PROTOCOL_URL = 'https://arxiv.org/abs/2210.05944';

export interface ReportBaseline {
  name: string;
  note: string;
  mIoU: number;
  pixelAccuracy: number;
}

/**
 * A label map in the VOC palette as RGB, with a white line where the class changes (the right or lower neighbour
 * differs): VOC's dark colours (background black, maroon, navy, ...) stay apart from one another.
 */
export function outlinedLabel(map: Uint8Array, width: number, height: number): Uint8Array {
  checkMap('label map', map, width, height);
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const c = map[p];
      const edge = (x + 1 < width && map[p + 1] !== c) || (y + 1 < height && map[p + width] !== c);
      const [r, g, b] = edge ? [255, 255, 255] : VOC_PALETTE[c];
      rgb.set([r, g, b], 3 * p);
    }
  }
  return rgb;
}

export async function writeOutlinedLabel(path: string, map: Uint8Array, width: number, height: number): Promise<void> {
  await writeFileAtomic(path, encode({ width, height, data: outlinedLabel(map, width, height), channels: 3, depth: 8 }));
}

/** The classes present in a map, most pixels first, as a small legend (swatch, name, share of the image). */
export function presentLegend(map: Uint8Array, names: readonly string[]): string {
  const counts = new Map<number, number>();
  for (const c of map) counts.set(c, (counts.get(c) ?? 0) + 1);
  const items = [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => {
      const name = c === 255 ? 'void / unlabelled' : (names[c] ?? `class ${c}`);
      const share = `${((100 * n) / map.length).toFixed(0)}%`;
      return `<li title="${esc(`${name} (class ${c}): ${share} of the image`)}"><span class="swatch" style="background: ${classColor(c)}"></span>${esc(name)} <small>${share}</small></li>`;
    });
  return `<ul class="legend small">${items.join('')}</ul>`;
}

interface ReadingInput {
  seeds: ReadonlyArray<{ seed: number }>;
  sampleSeed?: number;
  matching?: string;
  baselines: readonly ReportBaseline[];
}

/** "How to read this report": what is a mean over seeds and what one seed, what the matching does, the baseline. */
export function readingNotes(r: ReadingInput): string {
  const seeds = r.seeds.map((s) => s.seed);
  const first = r.sampleSeed ?? seeds[0] ?? 0;
  const items: string[] = [];
  if (seeds.length > 1) {
    items.push(
      `<li id="seed-scope"><b>Seeds.</b> mIoU and pixel accuracy in the table are the mean ± standard deviation over ${seeds.length} seeds (${esc(seeds.join(', '))}; each seed is one k-means initialisation), and each per-class IoU is its mean over the seeds. The confusion matrix and the samples come from seed ${esc(first)} only.</li>`,
    );
  } else {
    items.push(`<li id="seed-scope"><b>Seeds.</b> One seed (${esc(first)}): every number and picture comes from it.</li>`);
  }
  if (r.matching === 'pixels' || r.matching === 'iou') {
    items.push(
      `<li id="matching"><b>Matching: ${esc(r.matching)}.</b> The colours of the predictions are clusters, not classes the model named: each cluster is mapped to one ground-truth class by Hungarian matching on ${r.matching === 'iou' ? 'IoU' : 'pixel overlap'}, chosen once over the whole split for each seed, and a cluster left without a class counts as wrong (<a href="${PROTOCOL_URL}">the protocol: ACSeg §4.2, as in PiCIE and STEGO</a>).</li>`,
    );
  } else if (r.matching === 'none') {
    items.push(
      '<li id="matching"><b>No matching.</b> The classifier names each region\'s class itself (text prompts or labelled neighbours); the colours are its classes.</li>',
    );
  }
  if (r.baselines.length) {
    items.push(
      `<li id="baseline-note"><b>Reference rows.</b> ${r.baselines.map((b) => `${esc(b.name)}: ${esc(b.note)}`).join('; ')}. They are scored on the same images and pixels, in this run, so the method's numbers can be judged against them.</li>`,
    );
  }
  return `<section id="reading"><h2>How to read this report</h2><ul>${items.join('')}</ul></section>`;
}

/** Sample caption: why it was picked, and its own mIoU. */
export function pickCaption(pick: string | undefined, mIoU: number | undefined): string {
  const why = pick === 'best' ? 'among the best' : pick === 'worst' ? 'among the worst' : pick === 'spread' ? 'spread over the split' : '';
  const score = mIoU === undefined || !Number.isFinite(mIoU) ? '' : `image mIoU ${mIoU.toFixed(1)}`;
  return [why, score].filter(Boolean).join(' · ');
}

export const REPORT_CSS = `
.zoom { display: none; position: fixed; inset: 0; z-index: 10; background: #0b0f18; overflow: auto; padding: 24px; }
.zoom:target { display: block; }
.zoom .row { gap: 12px; }
.zoom figure img { background: #222; border-color: #444; }
.zoom figcaption, .zoom h3, .zoom .legend { color: #e6e9ef; }
.zoom .close { position: fixed; top: 10px; right: 18px; color: #fff; font-size: 28px; text-decoration: none; }
.card a { display: block; cursor: zoom-in; color: inherit; text-decoration: none; }
.legend.small { font-size: 12px; margin-top: 6px; gap: 2px 10px; }
tr.baseline td { color: var(--muted); font-style: italic; }
#reading li { margin: 4px 0; }
`;
