import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { userSetAllocator } from '../src/allocator.js';
import { acseg, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

// process.execve: Node ≥ 22.15 on Linux and macOS.
const canExec = typeof (process as { execve?: unknown }).execve === 'function';
const glibc = process.platform === 'linux' && (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
const restarts = canExec && Boolean(glibc) && !userSetAllocator(process.env);

/** Runs acseg with a preload that logs each start of the main thread: pid and the allocator variable it saw. */
function starts(args: string[], env: Record<string, string> = {}): { lines: string[][]; status: number | null; stderr: string } {
  const dir = tempDir();
  const hook = join(dir, 'hook.mjs');
  const log = join(dir, 'starts.txt');
  writeFileSync(log, '');
  writeFileSync(
    hook,
    `import { appendFileSync } from 'node:fs';\nimport { isMainThread } from 'node:worker_threads';\nif (isMainThread) appendFileSync(${JSON.stringify(log)}, process.pid + ' ' + (process.env.MALLOC_MMAP_THRESHOLD_ ?? '-') + '\\n');\n`,
  );
  const r = acseg(args, undefined, { ...env, NODE_OPTIONS: `--import ${hook}` });
  const lines = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' '));
  return { lines, status: r.status, stderr: r.stderr };
}

describe('acseg restarts itself with a fixed glibc mmap threshold', () => {
  const missing = () => ['features', '--images', join(tempDir(), 'no-such-folder'), '--out', join(tempDir(), 'out')];

  it.runIf(restarts)('a command that decodes images runs once more in the same process, with the setting, and keeps its result', () => {
    const r = starts(missing());
    expect(r.lines.map((l) => l[1])).toEqual(['-', '1048576']);
    expect(r.lines[1][0]).toBe(r.lines[0][0]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no-such-folder');
  });

  it.runIf(!restarts)('without process.execve (Node < 22.15), glibc, or with the allocator set by the caller, it starts once, as before', () => {
    const r = starts(missing());
    expect(r.lines.map((l) => l[1])).toEqual(['-']);
    expect(r.status).toBe(1);
  });

  it('starts once where the user set the allocator, or for a command that decodes nothing', () => {
    expect(starts(missing(), { GLIBC_TUNABLES: '' }).lines.map((l) => l[1])).toEqual(['-']);
    expect(starts(missing(), { MALLOC_ARENA_MAX: '2' }).lines.map((l) => l[1])).toEqual(['-']);
    expect(starts(['plugins', 'list']).lines.map((l) => l[1])).toEqual(['-']);
  });
});
