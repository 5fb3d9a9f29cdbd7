/**
 * The end of a run at scale: `index.html` and its pages from a `gallery.jsonl` of N images, with the records read
 * whole (`GalleryLog.read`, as runs did before) and paged through an index (`GalleryLog.index`, as they do now).
 * Peak RSS is each child's VmHWM (Linux); the retained heap is after a forced GC, the index or the records held.
 * Run from packages/report: npx tsx bench/gallery-finish.ts [N] (default 100000; ~480 bytes a record, as a
 * CamVid `segment` writes).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GalleryLog, galleryLine, writeGallery, type GalleryItem } from '../src/index.js';

async function child(dir: string, mode: string): Promise<void> {
  const log = await GalleryLog.open(dir);
  const t0 = performance.now();
  global.gc?.();
  const h0 = process.memoryUsage().heapUsed;
  if (mode === 'read') {
    const { items, skipped } = await log.read();
    global.gc?.();
    const held = process.memoryUsage().heapUsed - h0;
    const names: string[] = [];
    for (const i of items) for (const c of i.classes ?? []) if (c.className) names[c.classId] = c.className;
    await writeGallery(dir, { items, skipped, classNames: Array.from(names, (n, i) => n ?? `class ${i}`) });
    report(held, t0, items.length);
  } else {
    const index = await log.index();
    global.gc?.();
    const held = process.memoryUsage().heapUsed - h0;
    await writeGallery(dir, { items: index, skipped: index.skipped, classNames: index.classNames });
    report(held, t0, index.count);
  }
}

function report(held: number, t0: number, n: number): void {
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
  console.log(JSON.stringify({ n, seconds: (performance.now() - t0) / 1000, peakMiB: hwm, heldMiB: held / 2 ** 20 }));
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100000);
  const dir = mkdtempSync(join(tmpdir(), 'acseg-gallery-bench-'));
  try {
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = `frame${String(i).padStart(6, '0')}`;
      const item: GalleryItem = {
        id,
        source: join(dir, 'images', `${id}.jpg`),
        image: join(dir, 'thumbs', `${id}.jpg`),
        overlay: join(dir, `${id}.overlay.png`),
        label: join(dir, `${id}.png`),
        json: join(dir, `${id}.json`),
        classes: Array.from({ length: 3 + (i % 4) }, (_, c) => ({ classId: c, className: `region ${c}`, pixels: 1000 * c + i })),
      };
      lines.push(galleryLine(item));
    }
    writeFileSync(join(dir, 'gallery.jsonl'), lines.join(''));
    console.log(`| record | images | seconds | peak RSS (MiB) | held after a GC (MiB) |\n|---|---|---|---|---|`);
    for (const mode of ['read', 'index']) {
      const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', import.meta.filename, '--child', dir, mode], { encoding: 'utf8' });
      const m = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { n: number; seconds: number; peakMiB: number; heldMiB: number };
      if (r.status !== 0 || m.n !== n) throw new Error(`child ${mode} failed: ${r.stderr}`);
      console.log(
        `| ${mode === 'read' ? 'read whole' : 'index, paged'} | ${n} | ${m.seconds.toFixed(1)} | ${m.peakMiB.toFixed(0)} | ${m.heldMiB.toFixed(1)} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else await main();
