import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from '@acseg/core/testing';
import { GalleryLog, type GalleryItem } from '@acseg/report';
import { finishedEarlier, recordSettings } from './resume.js';

afterAll(removeTempDirs);

const settings = { generator: 'kmeans', k: 5 };

/** An output folder whose record lists `n` images (ids in reverse of the input order), every file there and newer. */
async function finishedRun(n: number): Promise<{ out: string; inputs: string[]; items: GalleryItem[] }> {
  const dir = await tempDir('acseg-resume-');
  const out = join(dir, 'out');
  mkdirSync(join(dir, 'in'));
  mkdirSync(out);
  const past = new Date(Date.now() - 60_000);
  const inputs: string[] = [];
  const items: GalleryItem[] = [];
  const log = await GalleryLog.open(out, { fresh: true });
  for (let i = 0; i < n; i++) {
    const source = join(dir, 'in', `f${i}.jpg`);
    writeFileSync(source, 'x');
    utimesSync(source, past, past);
    inputs.push(source);
    const id = `img${String(n - i).padStart(5, '0')}`;
    const item: GalleryItem = { id, source, overlay: join(out, `${id}.overlay.png`), label: join(out, `${id}.png`), json: join(out, `${id}.json`) };
    for (const f of [item.overlay, item.label, item.json!]) writeFileSync(f, 'y');
    items.push(item);
    await log.add(item);
  }
  await recordSettings(out, settings);
  return { out, inputs, items };
}

describe('finishedEarlier', () => {
  it('keeps the finished images a page at a time: their sources, ids, and their records in a file, by id', async () => {
    const { out, inputs, items } = await finishedRun(1203);
    // One output missing: that image is done again.
    writeFileSync(items[7].label, '');
    const kept = await finishedEarlier(out, settings, inputs);
    const byId = items.filter((_, i) => i !== 7).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(kept.sources.size).toBe(1202);
    expect(kept.sources.has(inputs[7])).toBe(false);
    expect(kept.ids).toEqual(byId.map((i) => i.id));
    const lines = readFileSync(kept.record!, 'utf8').split('\n').filter(Boolean);
    expect(lines.map((l) => (JSON.parse(l) as { item: GalleryItem }).item)).toEqual(byId);
    // The new record starts as that file.
    const log = await GalleryLog.open(out, { fresh: true, from: kept.record });
    expect((await log.read()).items).toEqual(byId);
  });

  it('keeps nothing, and writes nothing aside, when the settings changed', async () => {
    const { out, inputs } = await finishedRun(3);
    const kept = await finishedEarlier(out, { ...settings, k: 3 }, inputs);
    expect([kept.sources.size, kept.ids, kept.record]).toEqual([0, [], undefined]);
  });

  it('names the file it cannot write the kept records to', async () => {
    const { out, inputs } = await finishedRun(3);
    mkdirSync(join(out, '.gallery-kept.jsonl'));
    await expect(finishedEarlier(out, settings, inputs)).rejects.toThrow(`${join(out, '.gallery-kept.jsonl')}: cannot write`);
  });
});
