/**
 * k-means on rows in memory against the same float32 rows read from a file a block at a time (`RowReader`, as
 * `acseg run` fits its k-means classifier on a whole set's region embeddings): wall time of each, alternated, the
 * results compared bit for bit.
 *
 *   cd packages/generator-clustering && npx tsx --conditions=@acseg/source bench/kmeans-reader.ts [--rows 100000] [--dim 96] [--k 11] [--rounds 3]
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { kmeans, Rng, type RowReader } from '../src/index.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const rows = flag('--rows', 100_000);
const dim = flag('--dim', 96);
const k = flag('--k', 11);
const rounds = flag('--rounds', 3);

// Unit vectors around k planted directions, as region embeddings are.
const rng = new Rng(7);
const centres = Array.from({ length: k }, () => Array.from({ length: dim }, () => rng.normal()));
const data = new Float32Array(rows * dim);
for (let i = 0; i < rows; i++) {
  const c = centres[i % k];
  let sq = 0;
  for (let j = 0; j < dim; j++) sq += (data[i * dim + j] = c[j] + 0.8 * rng.normal()) ** 2;
  for (let j = 0; j < dim; j++) data[i * dim + j] /= Math.sqrt(sq);
}
const dir = mkdtempSync(join(tmpdir(), 'acseg-kmeans-reader-'));
const file = join(dir, 'rows.f32');
writeFileSync(file, new Uint8Array(data.buffer));
const fd = openSync(file, 'r');
const reader: RowReader = {
  rows,
  cols: dim,
  read(start, count, into) {
    const bytes = new Uint8Array(into.buffer, into.byteOffset, count * dim * 4);
    for (let done = 0; done < bytes.length;) done += readSync(fd, bytes, done, bytes.length - done, start * dim * 4 + done);
  },
};

const options = { seed: 0, nInit: 1, distinct: true };
const times: Record<'memory' | 'file', number[]> = { memory: [], file: [] };
let same = true;
for (let r = 0; r < rounds; r++) {
  let t = performance.now();
  const a = kmeans({ rows, cols: dim, data }, k, options);
  times.memory.push(performance.now() - t);
  t = performance.now();
  const b = kmeans(reader, k, options);
  times.file.push(performance.now() - t);
  same &&= a.inertia === b.inertia && a.iterations === b.iterations && a.centroids.every((v, i) => Object.is(v, b.centroids[i]));
  if (r === 0) console.log(`${rows} rows × ${dim}, k = ${k}: ${a.iterations} Lloyd iterations`);
}
closeSync(fd);
rmSync(dir, { recursive: true, force: true });
const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
console.log(`${new Date().toISOString()}, ${cpus().length} CPUs (${cpus()[0].model}), load average ${loadavg()[0].toFixed(1)}`);
console.log('| rows from | median s | rounds (s) | held besides the rows |');
console.log('|---|---|---|---|');
console.log(
  `| memory | ${(med(times.memory) / 1000).toFixed(2)} | ${times.memory.map((x) => (x / 1000).toFixed(2)).join(', ')} | the rows: ${((rows * dim * 4) / 2 ** 20).toFixed(1)} MiB |`,
);
console.log(`| file, 4 MiB blocks | ${(med(times.file) / 1000).toFixed(2)} | ${times.file.map((x) => (x / 1000).toFixed(2)).join(', ')} | one block: 4 MiB |`);
console.log(`same result bit for bit: ${same}`);
