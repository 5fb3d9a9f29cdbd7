/**
 * Start-up time of the CLI (issue 15): wall-clock milliseconds of `acseg --help`, `acseg run --help` and
 * `acseg plugins list` (every built-in plugin registered), against a bare `node -e ""`, median of N alternating rounds.
 *
 *   npx tsx tools/bench/startup.ts [--rounds 7]
 *
 * Runs the built CLI (npm run build first).
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'apps/cli/bin/acseg.js');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const rounds = Number(values.rounds);
const cases: Array<[string, string[]]> = [
  ['node -e ""', ['-e', '']],
  ['acseg --help', [cli, '--help']],
  ['acseg run --help', [cli, 'run', '--help']],
  ['acseg plugins list', [cli, 'plugins', 'list']],
];
const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, args] of cases) {
    const t0 = performance.now();
    const out = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (out.status !== 0) throw new Error(`${name} exited ${out.status}`);
    times.get(name)!.push(performance.now() - t0);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`median of ${rounds} rounds, ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| command | ms (median) | min | max |\n|---|---|---|---|');
for (const [name, xs] of times) console.log(`| ${name} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${Math.max(...xs).toFixed(0)} |`);
