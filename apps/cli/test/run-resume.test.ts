import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, cliBin, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const samples = join(repoRoot, 'samples');

/** `copies` copies of each sample, under distinct names. */
function folder(copies = 1): string {
  const dir = tempDir('acseg-resume-imgs-');
  for (const f of readdirSync(samples).filter((f) => f.endsWith('.jpg'))) {
    for (let c = 0; c < copies; c++) copyFileSync(join(samples, f), join(dir, copies > 1 ? `${c}-${f}` : f));
  }
  return dir;
}

const items = (out: string): string[] =>
  readFileSync(join(out, 'gallery.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((l) => l.item)
    .map((l) => l.item.id);
const mtimeOf = (f: string): number => statSync(f).mtimeMs;

/**
 * Runs the command and kills it (-9) once a few images are recorded (or lets it end if the machine is faster than
 * the polling); checks that every recorded image's outputs are complete and returns their ids.
 */
async function killedAfterThree(args: string[], out: string): Promise<string[]> {
  const child = spawn(process.execPath, [cliBin, ...args], { stdio: 'ignore' });
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    if (existsSync(join(out, 'gallery.jsonl')) && items(out).length >= 3) {
      child.kill('SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await exited;
  const finished = items(out);
  expect(finished.length).toBeGreaterThanOrEqual(3);
  for (const id of finished) {
    const png = decode(readFileSync(join(out, `${id}.png`)));
    expect([png.width, png.height]).toEqual([320, 240]);
    JSON.parse(readFileSync(join(out, `${id}.json`), 'utf8'));
  }
  return finished;
}

describe('acseg segment and run, rerun', () => {
  it('keeps the images an earlier run with the same settings finished; redoes missing, outdated, or all when the settings change', () => {
    const images = folder();
    const out = join(tempDir(), 'out');
    const args = ['segment', '--images', images, '--out', out, '--backbone', 'handcrafted', '--generator', 'kmeans', '--quiet'];
    expect(acseg(args).status).toBe(0);
    const before = Object.fromEntries(['beach', 'fruit', 'meadow', 'mountains', 'street'].map((id) => [id, mtimeOf(join(out, `${id}.png`))]));
    // A run killed before street was written: its outputs are missing.
    for (const f of readdirSync(out).filter((f) => f.startsWith('street.'))) rmSync(join(out, f));
    // An input changed since: fruit is redone.
    const later = new Date(Date.now() + 5000);
    utimesSync(join(images, 'fruit.jpg'), later, later);
    const again = acseg(args);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/3 of 5 images were finished by an earlier run with these settings and are kept/);
    expect(again.stdout).toMatch(/segmented 2 of 2 images \(3 more kept from an earlier run\)/);
    for (const id of ['beach', 'meadow', 'mountains']) expect(mtimeOf(join(out, `${id}.png`))).toBe(before[id]);
    expect(mtimeOf(join(out, 'fruit.png'))).not.toBe(before.fruit);
    expect(existsSync(join(out, 'street.png'))).toBe(true);
    expect((readFileSync(join(out, 'index.html'), 'utf8').match(/class="card"/g) ?? []).length).toBe(5);
    // The kept images' records (copied aside a page at a time) became the new record's first lines; nothing is left aside.
    expect(items(out).slice(0, 3)).toEqual(['beach', 'meadow', 'mountains']);
    expect(items(out).slice(3).sort()).toEqual(['fruit', 'street']);
    expect(readdirSync(out).filter((f) => f.startsWith('.gallery'))).toEqual([]);
    // Other settings: nothing is kept.
    const other = acseg([...args, '--k', '3']);
    expect(other.status).toBe(0);
    expect(other.stderr).not.toMatch(/are kept/);
    expect(other.stdout).toMatch(/segmented 5 of 5 images with/);
  });

  it('an output left empty (outputs are not flushed to disk without --fsync: a power loss) is done again; --fsync writes the same files', () => {
    const images = folder();
    const out = join(tempDir(), 'out');
    const args = ['segment', '--images', images, '--out', out, '--backbone', 'handcrafted', '--generator', 'kmeans', '--quiet'];
    expect(acseg([...args, '--fsync']).status).toBe(0);
    const overlay = readFileSync(join(out, 'meadow.overlay.png'));
    const kept = mtimeOf(join(out, 'beach.png'));
    truncateSync(join(out, 'meadow.overlay.png'), 0);
    const again = acseg(args);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/4 of 5 images were finished by an earlier run with these settings and are kept/);
    expect(again.stdout).toMatch(/segmented 1 of 1 images \(4 more kept from an earlier run\)/);
    expect(readFileSync(join(out, 'meadow.overlay.png')).equals(overlay)).toBe(true);
    expect(mtimeOf(join(out, 'beach.png'))).toBe(kept);
  });

  it('kill -9 midway: the finished images are complete and a rerun keeps exactly them', async () => {
    const images = folder(8); // 40 images
    const out = join(tempDir(), 'out');
    const args = ['segment', '--images', images, '--out', out, '--backbone', 'handcrafted', '--generator', 'kmeans', '--quiet'];
    const finished = await killedAfterThree(args, out);
    const again = acseg(args);
    expect(again.status, again.stderr).toBe(0);
    if (finished.length < 40)
      expect(again.stdout).toMatch(new RegExp(`segmented ${40 - finished.length} of ${40 - finished.length} images \\(${finished.length} more kept`));
    expect(items(out).sort()).toHaveLength(40);
  });

  it('run with k-means (two passes), kill -9 in pass 2: the finished images are complete; a rerun keeps them, labels the rest with the fitted state and leaves no pass-1 record', async () => {
    const images = folder(8); // 40 images
    const out = join(tempDir(), 'out');
    const args = ['run', '--images', images, '--out', out, '--backbone', 'handcrafted', '--generator', 'kmeans', '--quiet'];
    // Outputs are written in pass 2 only, so the kill comes in pass 2, while the pass-1 record is there.
    const finished = await killedAfterThree(args, out);
    // The region digests (k-means fits from their rows) wait on disk beside the assignments.
    const pass1 = ['.acseg-pass1', '.acseg-pass1-digests', '.acseg-pass1-rows'];
    if (finished.length < 40) for (const f of pass1) expect(existsSync(join(out, f)), f).toBe(true);
    const again = acseg(args);
    expect(again.status, again.stderr).toBe(0);
    // The state k-means fitted before pass 2 was saved: the rerun labels the images left with it, in one pass.
    expect(again.stderr).toMatch(/classifier kmeans: using the state an earlier run of this command fitted/);
    if (finished.length < 40)
      expect(again.stdout).toMatch(new RegExp(`segmented ${40 - finished.length} of ${40 - finished.length} images \\(${finished.length} more kept`));
    expect(items(out).sort()).toHaveLength(40);
    for (const f of pass1) expect(existsSync(join(out, f)), f).toBe(false);
    // The same files as a run that was not stopped.
    const whole = join(tempDir(), 'whole');
    expect(acseg(args.map((a) => (a === out ? whole : a))).status).toBe(0);
    expect(sameOutputs(whole, out)).toEqual([]);
  });

  it('run training its ACG and fitting k-means, kill -9 in pass 2: a rerun uses the weights and state it made, keeps the finished images, and gives the files of a run not stopped', async () => {
    const images = folder(8); // 40 images
    const out = join(tempDir(), 'out');
    const args = ['run', '--images', images, '--out', out, '--backbone', 'handcrafted', '--clusters', '3', '--iterations', '20', '--quiet'];
    const finished = await killedAfterThree(args, out);
    const times = Object.fromEntries(finished.map((id) => [id, mtimeOf(join(out, `${id}.png`))]));
    const again = acseg(args);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/acg: using the weights an earlier run of this command trained on these images/);
    expect(again.stderr).toMatch(/classifier kmeans: using the state an earlier run of this command fitted/);
    expect(again.stderr).toContain(`${finished.length} of 40 images were finished by an earlier run with these settings and are kept`);
    for (const id of finished) expect(mtimeOf(join(out, `${id}.png`))).toBe(times[id]);
    expect(items(out).sort()).toHaveLength(40);
    for (const f of ['.acseg-features', '.acseg-pass1', '.acseg-pass1-digests', '.acseg-pass1-rows']) expect(existsSync(join(out, f)), f).toBe(false);
    // Bit for bit what one run gives: the ACG's training and the k-means fit are the same in the two processes, and
    // labelling with the saved state in one pass is what pass 2 does.
    const whole = join(tempDir(), 'whole');
    expect(acseg(args.map((a) => (a === out ? whole : a))).status).toBe(0);
    expect(sameOutputs(whole, out)).toEqual([]);

    // An input changed since: another fingerprint, so the ACG is trained and k-means fitted again, and every image redone.
    const later = new Date(Date.now() + 5000);
    utimesSync(join(images, '0-beach.jpg'), later, later);
    const changed = acseg(args);
    expect(changed.status, changed.stderr).toBe(0);
    expect(changed.stderr).not.toMatch(/using the weights|using the state/);
    expect(changed.stdout).toMatch(/segmented 40 of 40 images with/);
  });
});

/** The output files (label, overlay, region map, JSON) of `a` that differ from or are missing in `b`. */
function sameOutputs(a: string, b: string): string[] {
  const files = readdirSync(a).filter((f) => /\.(png|json)$/.test(f) && !f.startsWith('.'));
  expect(files.length).toBeGreaterThanOrEqual(160);
  return files.filter((f) => !existsSync(join(b, f)) || !readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
}
