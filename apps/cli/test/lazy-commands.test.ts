import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandWord } from '../src/commands/index.js';
import { acseg, removeTempDirs, repoRoot, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const RUNTIMES = /onnxruntime|@tensorflow|@huggingface\/tokenizers/;

/**
 * Runs the built CLI's main() in a fresh process and lists the ML runtime and tokenizer modules it loaded: ES modules
 * through a resolve hook (it logs every module resolved), CommonJS ones from require's cache.
 */
function loadedBy(args: string[]): string[] {
  const dir = tempDir();
  const log = join(dir, 'resolved.txt');
  writeFileSync(log, '');
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(log, r.url + '\\n');
  return r;
}
`,
  );
  const probe = join(dir, 'probe.mjs');
  writeFileSync(
    probe,
    `import { createRequire, register } from 'node:module';
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [log, mainFile, ...args] = process.argv.slice(2);
register(pathToFileURL(${JSON.stringify(join(dir, 'hooks.mjs'))}).href, { data: { log } });
const { main } = await import(pathToFileURL(mainFile).href);
await main(args);
const require = createRequire(import.meta.url);
appendFileSync(log, Object.keys(require.cache).join('\\n') + '\\nDONE\\n');
`,
  );
  const r = spawnSync(process.execPath, [probe, log, join(repoRoot, 'apps/cli/dist/main.js'), ...args], { encoding: 'utf8' });
  const lines = readFileSync(log, 'utf8').split('\n');
  expect(lines, r.stderr).toContain('DONE');
  return [...new Set(lines.filter((l) => RUNTIMES.test(l)))];
}

describe('commands load only what they use', () => {
  it('acseg --help, a mistyped command and plugins list/show load no ML runtime; creating a component does', () => {
    expect(loadedBy(['--help'])).toEqual([]);
    expect(loadedBy(['rn'])).toEqual([]);
    expect(loadedBy(['merge', '--help'])).toEqual([]);
    // Plugin manifests are declarations: listing them, showing their options, or making train's flags imports no runtime.
    expect(loadedBy(['plugins', 'list'])).toEqual([]);
    expect(loadedBy(['plugins', 'show', '@acseg/classifier-clip'])).toEqual([]);
    expect(loadedBy(['train', '--help'])).toEqual([]);
    // Positive control: creating the ACG (train does before it opens the feature cache) loads its runtimes, and the probe sees them.
    const created = loadedBy(['train', '--features', join(tempDir(), 'none'), '--out', join(tempDir(), 'out')]);
    expect(created.some((f) => f.includes('@tensorflow'))).toBe(true);
  });

  it('merging feature cache parts loads no ML runtime and no plugins (its start-up would cost more than the merge)', () => {
    const out = join(tempDir(), 'features');
    for (const i of [0, 1]) {
      const r = acseg(
        ['features', '--images', join(repoRoot, 'samples'), '--backbone', 'handcrafted', '--out', out, '--shard', `${i}/2`, '--quiet'],
        undefined,
        { SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '' },
      );
      expect(r.status, r.stderr).toBe(0);
    }
    expect(loadedBy(['merge', out, '--quiet'])).toEqual([]);
    expect(JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')).images).toHaveLength(5);
  }, 120_000);

  it("models list and an offline pull read the plugins' declared models without loading an ML runtime", () => {
    const cache = tempDir();
    expect(loadedBy(['models', 'list', '--cache-dir', cache])).toEqual([]);
    expect(loadedBy(['models', 'pull', 'clip-vit-base-patch16', '--offline', '--cache-dir', cache])).toEqual([]);
  });

  it('finds the command word past global flags and their values', () => {
    expect(commandWord(['run', '--images', 'x'])).toBe('run');
    expect(commandWord(['--verbose', 'eval'])).toBe('eval');
    expect(commandWord(['--config', 'my.json', '--set', 'k=7', 'segment'])).toBe('segment');
    expect(commandWord(['--plugin=./p.mjs', 'train'])).toBe('train');
    expect(commandWord(['--help'])).toBeUndefined();
    expect(commandWord(['--', 'run'])).toBeUndefined();
  });
});
