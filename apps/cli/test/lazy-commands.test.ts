import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandWord } from '../src/commands/index.js';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/** Runs the built CLI's main() in a fresh process and lists the ML runtime and image modules it loaded. */
function loadedBy(args: string[]): string[] {
  const probe = join(tempDir(), 'probe.mjs');
  writeFileSync(probe, `import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
const [mainFile, ...args] = process.argv.slice(2);
const { main } = await import(pathToFileURL(mainFile).href);
await main(args);
const require = createRequire(import.meta.url);
process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache).filter((k) => /onnxruntime|@tensorflow/.test(k))) + '\\n');
`);
  const r = spawnSync(process.execPath, [probe, join(repoRoot, 'apps/cli/dist/main.js'), ...args], { encoding: 'utf8' });
  const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  expect(line, r.stderr).toBeDefined();
  return JSON.parse(line!.slice('LOADED '.length)) as string[];
}

describe('commands load only what they use', () => {
  it('acseg --help and a mistyped command load no ML runtime; a command that loads the plugins does', () => {
    expect(loadedBy(['--help'])).toEqual([]);
    expect(loadedBy(['rn'])).toEqual([]);
    expect(loadedBy(['merge', '--help'])).toEqual([]);
    // Positive control: `plugins list` registers every built-in plugin, so the runtimes are seen when loaded.
    const all = loadedBy(['plugins', 'list']);
    expect(all.some((f) => f.includes('onnxruntime-node'))).toBe(true);
    expect(all.some((f) => f.includes('@tensorflow'))).toBe(true);
  });

  it('merging feature cache parts loads no ML runtime and no plugins (its start-up would cost more than the merge)', () => {
    const out = join(tempDir(), 'features');
    for (const i of [0, 1]) {
      const r = acseg(['features', '--images', join(repoRoot, 'samples'), '--backbone', 'handcrafted', '--out', out, '--shard', `${i}/2`, '--quiet'], undefined, { SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '' });
      expect(r.status, r.stderr).toBe(0);
    }
    expect(loadedBy(['merge', out, '--quiet'])).toEqual([]);
    expect(JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')).images).toHaveLength(5);
  }, 120_000);

  it('finds the command word past global flags and their values', () => {
    expect(commandWord(['run', '--images', 'x'])).toBe('run');
    expect(commandWord(['--verbose', 'eval'])).toBe('eval');
    expect(commandWord(['--config', 'my.json', '--set', 'k=7', 'segment'])).toBe('segment');
    expect(commandWord(['--plugin=./p.mjs', 'train'])).toBe('train');
    expect(commandWord(['--help'])).toBeUndefined();
    expect(commandWord(['--', 'run'])).toBeUndefined();
  });
});
