import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const clean = { SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '', ACSEG_NUM_SHARDS: '' };
const IDS = ['beach', 'fruit', 'meadow', 'mountains', 'street']; // samples/, sorted

/** Every per-image output file (label map, overlay, JSON) under `dir` and its part folders, by file name. */
function outputs(dir: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory() && e.name.startsWith('part-')) walk(join(d, e.name));
      else if (e.isFile() && IDS.some((id) => e.name.startsWith(`${id}.`))) found.set(e.name, readFileSync(join(d, e.name)));
    }
  };
  walk(dir);
  return found;
}

describe('segment/run --shard apply what was trained and fitted once; merge joins the galleries', () => {
  it('run: the classifier fitted once (--save-classifier) and loaded by 2 shards labels every image as one process does', () => {
    const images = join(tempDir(), 'images');
    cpSync(join(repoRoot, 'samples'), images, { recursive: true });
    const common = ['--images', images, '--backbone', 'handcrafted', '--generator', 'kmeans', '--quiet'];
    const state = join(tempDir(), 'kmeans.safetensors');
    const one = join(tempDir(), 'one');
    const r = acseg(['run', ...common, '--out', one, '--save-classifier', state], undefined, clean);
    expect(r.status, r.stderr).toBe(0);

    const out = join(tempDir(), 'sharded');
    // Without the state a shard would fit on its own part: refused before any work.
    const unfitted = acseg(['run', ...common, '--out', out, '--shard', '0/2'], undefined, clean);
    expect(unfitted.status).toBe(2);
    expect(unfitted.stderr.split('\n')[0]).toBe(
      'acseg: error: a shard cannot fit classifier kmeans on its part of the images: it must be fitted once on all of them',
    );
    // An ACG without a checkpoint would train on the part: refused too.
    const untrained = acseg(['segment', ...common.slice(0, 4), '--quiet', '--out', out, '--shard', '0/2'], undefined, clean);
    expect(untrained.status).toBe(2);
    expect(untrained.stderr).toContain('generator acg is not trained; a shard applies a model trained once');

    const shard = (env: Record<string, string>, flags: string[] = []) =>
      acseg(['run', ...common, '--out', out, '--set', `kmeans.checkpoint=${state}`, ...flags], undefined, { ...clean, ...env });
    expect(shard({}, ['--shard', '0/2']).status).toBe(0);
    const early = acseg(['merge', out]);
    expect(early.status).toBe(2);
    expect(early.stderr.split('\n')[0]).toBe('acseg: error: shard 1 of 2 is missing (found 0)');
    const second = shard({ JOB_COMPLETION_INDEX: '1' }, ['--num-shards', '2']);
    expect(second.status, second.stderr).toBe(0);
    expect(
      readdirSync(join(out, 'part-0001-of-0002'))
        .filter((f) => /^[a-z]+\.json$/.test(f))
        .sort(),
    ).toEqual(['meadow.json', 'mountains.json', 'street.json']);

    const m = acseg(['merge', out]);
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toContain('5 images, 0 skipped; merged from 2 shards');
    const want = outputs(one);
    // Per image: class map, overlay, region map (for acseg explore), JSON.
    expect(want.size).toBe(20);
    expect(outputs(out)).toEqual(want);
    // One gallery for all: the records in sorted order, linking into the parts.
    const log = readFileSync(join(out, 'gallery.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { item: { id: string; label: string } });
    expect(log.map((l) => l.item.id)).toEqual(IDS);
    expect(log.map((l) => basename(join(l.item.label, '..')))).toEqual([
      'part-0000-of-0002',
      'part-0000-of-0002',
      'part-0001-of-0002',
      'part-0001-of-0002',
      'part-0001-of-0002',
    ]);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    for (const [i, id] of IDS.entries()) expect(html).toContain(`src="part-000${i < 2 ? 0 : 1}-of-0002/${id}.png"`);

    // A retried shard keeps what it finished.
    const retry = shard({}, ['--shard', '1/2']);
    expect(retry.stdout).toContain('segmented 0 of 0 images (3 more kept from an earlier run)');
  });
  it('names an image whose name an earlier shard took as one process does (street.jpg, then street.png → street-2)', () => {
    const images = join(tempDir(), 'images');
    mkdirSync(images);
    // Sorted: a.jpg, street.jpg | street.png, z.jpg; shard 1 holds the second "street".
    for (const [from, to] of [
      ['beach', 'a.jpg'],
      ['street', 'street.jpg'],
      ['meadow', 'street.png'],
      ['fruit', 'z.jpg'],
    ])
      copyFileSync(join(repoRoot, 'samples', `${from}.jpg`), join(images, to));
    const common = ['segment', '--images', images, '--backbone', 'handcrafted', '--generator', 'kmeans', '--quiet'];
    const one = join(tempDir(), 'one');
    expect(acseg([...common, '--out', one], undefined, clean).status).toBe(0);
    const out = join(tempDir(), 'sharded');
    for (const i of [0, 1]) expect(acseg([...common, '--out', out, '--shard', `${i}/2`], undefined, clean).status).toBe(0);
    expect(acseg(['merge', out]).status).toBe(0);
    // The record of one process follows the order writes finished in: compared as sets.
    const ids = (dir: string) =>
      readFileSync(join(dir, 'gallery.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { item: { id: string } }).item.id)
        .sort();
    expect(ids(one)).toEqual(['a', 'street', 'street-2', 'z']);
    expect(ids(out)).toEqual(ids(one));
    expect(
      readdirSync(join(out, 'part-0001-of-0002'))
        .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
        .sort(),
    ).toEqual(['street-2.json', 'z.json']);
    // And the same bytes as one process: the segmentation of each image does not depend on the split.
    expect(readFileSync(join(out, 'part-0001-of-0002', 'street-2.png'))).toEqual(readFileSync(join(one, 'street-2.png')));
  });
});
