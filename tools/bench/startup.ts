/**
 * Start-up time of the CLI (issue 15): wall-clock milliseconds of `acseg --help`, `acseg run --help`,
 * `acseg plugins list` and `acseg plugins show` (every built-in plugin's manifest registered), against a bare
 * `node -e ""`, median of N alternating rounds. Beside the wall time, the process's own CPU time (user + system, all
 * its threads, read at exit): on a shared machine the wall time grows with the load, the CPU time much less.
 *
 *   npx tsx tools/bench/startup.ts [--rounds 7]
 *
 * Runs the built CLI (npm run build first).
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { benchArgs } from './bench-args.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'apps/cli/bin/acseg.js');
const { values } = benchArgs({ options: { rounds: { type: 'string', default: '7' } } }, 'npx tsx tools/bench/startup.ts [--rounds 7]');
const rounds = Number(values.rounds);
const cases: Array<[string, string[]]> = [
  ['node -e ""', ['-e', '']],
  ['acseg --help', [cli, '--help']],
  ['acseg run --help', [cli, 'run', '--help']],
  ['acseg plugins list', [cli, 'plugins', 'list']],
  ['acseg plugins show @acseg/acg', [cli, 'plugins', 'show', '@acseg/acg']],
];
// Writes the process's CPU time (µs) to fd 3 when it exits.
const CPU_PROBE = `data:text/javascript,${encodeURIComponent("import { writeSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); writeSync(3, String(u.user + u.system)); });")}`;
const times = new Map<string, { wall: number[]; cpu: number[] }>(cases.map(([name]) => [name, { wall: [], cpu: [] }]));
for (let r = 0; r < rounds; r++) {
  for (const [name, args] of cases) {
    const t0 = performance.now();
    const out = spawnSync(process.execPath, ['--import', CPU_PROBE, ...args], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    if (out.status !== 0) throw new Error(`${name} exited ${out.status}`);
    times.get(name)!.wall.push(performance.now() - t0);
    times.get(name)!.cpu.push(Number(String(out.output[3])) / 1000);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`median of ${rounds} rounds, ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| command | wall ms (median) | min | max | CPU ms (median) |\n|---|---|---|---|---|');
for (const [name, { wall, cpu }] of times) {
  console.log(`| ${name} | ${median(wall).toFixed(0)} | ${Math.min(...wall).toFixed(0)} | ${Math.max(...wall).toFixed(0)} | ${median(cpu).toFixed(0)} |`);
}
