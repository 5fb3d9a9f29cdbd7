import { relative, sep } from 'node:path';
import { classColor } from './palette.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A link from `dir` to `file`, as a URL path (each segment percent-encoded). */
export function href(dir: string, file: string): string {
  const rel = relative(dir, file).split(sep).join('/');
  return esc(rel.split('/').map(encodeURIComponent).join('/'));
}

const CSS = `
:root { color-scheme: light; --fg: #1d2330; --muted: #5b6475; --line: #d9dde5; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 1200px; margin: 0 auto; padding: 16px 24px; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.meta { color: var(--muted); margin: 0; } .meta b { color: var(--fg); font-weight: 600; }
table { border-collapse: collapse; background: #fff; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; padding: 0; margin: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 14px; height: 14px; border: 1px solid #0003; border-radius: 2px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 14px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px; }
.card h3 { font-size: 14px; margin: 0 0 6px; overflow-wrap: anywhere; }
.row { display: flex; gap: 6px; }
figure { margin: 0; flex: 1 1 0; min-width: 0; }
figure img { width: 100%; height: auto; display: block; image-rendering: auto; border: 1px solid var(--line); background: #eee; }
img.label { image-rendering: pixelated; }
figcaption { font-size: 12px; color: var(--muted); text-align: center; }
.chips { margin: 6px 0 0; font-size: 12px; color: var(--muted); }
.bar { background: #e8ebf0; height: 12px; width: 240px; border-radius: 2px; overflow: hidden; }
.bar > span { display: block; height: 100%; background: #3c6fd8; }
.heat td { width: 34px; height: 30px; text-align: center; font-size: 11px; padding: 0; }
.heat th { font-weight: 500; font-size: 12px; white-space: nowrap; }
.heat th.col { writing-mode: vertical-rl; transform: rotate(180deg); height: auto; padding: 6px 2px; }
.skipped li { overflow-wrap: anywhere; }
.empty { color: var(--muted); font-style: italic; }
`;

/** A whole self-contained page: inline CSS, no scripts, no external resources. */
export function page(title: string, body: string, css = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}${css}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** The class legend: swatch, id and name for each class id given. */
export function legend(classIds: readonly number[], classNames: readonly string[] | undefined): string {
  if (!classIds.length) return '<p class="empty">no classes</p>';
  const items = classIds.map(
    (id) =>
      `<li><span class="swatch" style="background: ${classColor(id)}"></span>${id === 255 ? 'void / unlabelled' : esc(classNames?.[id] ?? `class ${id}`)} <small>(${id})</small></li>`,
  );
  return `<ul class="legend" id="legend">${items.join('')}</ul>`;
}
