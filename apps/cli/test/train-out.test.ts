import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acseg, cliBin, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const samples = join(repoRoot, 'samples');
// The cases that run the CLI several times get 4 minutes (a shared machine trains slowly).
const quick = ['--images', samples, '--backbone', 'handcrafted', '--batch-size', '2', '--quiet'];

/** The folder's files and their bytes, to show that a refused run wrote nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name)] = readFileSync(join(e.parentPath, e.name)).toString('base64');
  }
  return out;
}

describe('acseg train --out: never writes over what is not its own checkpoint', () => {
  it('refuses an --out that is a file, and writes nothing beside it', () => {
    const dir = tempDir();
    const file = join(dir, 'model.txt');
    writeFileSync(file, 'not a checkpoint');
    writeFileSync(join(dir, 'config.json'), '{"mine": true}');
    const before = snapshot(dir);
    const t = acseg(['train', ...quick, '--out', file, '--iterations', '1']);
    expect(t.status).toBe(1);
    expect(t.stderr).toContain(`${file}: exists and is not a folder`);
    expect(t.stderr).not.toMatch(/\n\s+at /);
    expect(snapshot(dir)).toEqual(before);
  });

  it("refuses a folder holding other files (another tool's config.json included), before computing features", () => {
    const dir = tempDir();
    const out = join(dir, 'mixed');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'keep me');
    writeFileSync(join(out, 'config.json'), '{"model_type": "vit"}');
    const before = snapshot(out);
    // An empty image folder: were --out checked after extraction, the error would be "no image could be read".
    const empty = join(dir, 'no-images');
    mkdirSync(empty);
    const t = acseg(['train', '--images', empty, '--backbone', 'handcrafted', '--out', out, '--quiet']);
    expect(t.status).toBe(1);
    expect(t.stderr).toMatch(/mixed: holds files that are not part of an acseg checkpoint \(config\.json, notes\.txt\)/);
    expect(snapshot(out)).toEqual(before);
  });

  it('refuses to restart over a checkpoint without --resume or --force; --resume continues it, --force replaces it', () => {
    const dir = tempDir();
    const ckpt = join(dir, 'ckpt');
    const first = acseg(['train', ...quick, '--out', ckpt, '--iterations', '2', '--restarts', '2']);
    expect(first.status, first.stderr).toBe(0);
    const before = snapshot(ckpt);

    const again = acseg(['train', ...quick, '--out', ckpt, '--iterations', '2']);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`${ckpt}: already holds an acseg checkpoint (iteration 2 of 2)`);
    expect(again.stderr).toMatch(/hint: .*--resume.*--force/);
    expect(snapshot(ckpt)).toEqual(before);
    // Resuming from another checkpoint into this one would overwrite it too.
    const other = join(dir, 'other');
    expect(acseg(['train', ...quick, '--out', other, '--iterations', '1']).status).toBe(0);
    const into = acseg(['train', ...quick, '--out', ckpt, '--resume', other, '--iterations', '2']);
    expect(into.status).toBe(1);
    expect(into.stderr).toMatch(/--force/);
    expect(snapshot(ckpt)).toEqual(before);

    // --resume needs something to continue, and says so before any feature is computed.
    const nothing = acseg(['train', '--images', join(dir, 'none'), '--out', join(dir, 'new'), '--resume', '--quiet']);
    expect(nothing.status).toBe(1);
    expect(nothing.stderr).toContain(`${join(dir, 'new')}: does not exist; --resume has nothing to continue`);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const fromEmpty = acseg(['train', '--images', join(dir, 'none'), '--out', join(dir, 'new'), '--resume', empty, '--quiet']);
    expect(fromEmpty.stderr).toContain(`${empty}: holds no acseg checkpoint; --resume has nothing to continue`);

    // `--resume` without a value continues --out.
    const resumed = acseg(['train', ...quick, '--out', ckpt, '--iterations', '3', '--restarts', '2', '--resume']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming from ${join(ckpt, 'restart-0')}`);

    const forced = acseg(['train', ...quick, '--out', ckpt, '--iterations', '1', '--force']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/--force: replacing the checkpoint in .*ckpt \(iteration 3 of 3\)/);
    expect(forced.stderr).not.toMatch(/resuming/);
    // Started over: one iteration, and the earlier multi-run's folders and summary are gone.
    expect(JSON.parse(readFileSync(join(ckpt, 'config.json'), 'utf8')).training.iteration).toBe(1);
    expect(readdirSync(ckpt).sort()).toEqual(['config.json', 'optimizer.safetensors', 'weights.safetensors']);
  }, 240_000);

  it('Ctrl-C prints the exact command that continues the run, and that command resumes it', async () => {
    const dir = tempDir();
    const ckpt = join(dir, 'ckpt');
    const args = ['train', ...quick, '--out', ckpt, '--iterations', '20', '--checkpoint-every', '1'];
    const child = spawn(process.execPath, [cliBin, ...args], { cwd: repoRoot });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    // Interrupt once the first checkpoint is there (training is under way).
    while (!existsSync(join(ckpt, 'config.json'))) {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    const hint = /continue with: (.+)/.exec(stderr);
    expect(hint, stderr).not.toBeNull();
    expect(hint![1]).toBe(['acseg', ...args, '--resume', ckpt].join(' '));
    const saved = JSON.parse(readFileSync(join(ckpt, 'config.json'), 'utf8')).training.iteration as number;
    expect(saved).toBeGreaterThan(0);
    expect(saved).toBeLessThan(20);
    const again = acseg(hint![1].split(' ').slice(1));
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain(`resuming from ${ckpt} at iteration ${saved}`);
    expect(again.stdout).toMatch(/trained acg: 20 iterations/);
  }, 240_000);
});
