import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Under tsx or vitest the sources are TypeScript, which a worker thread cannot load by itself (`--import` in a
 * worker's execArgv is ignored): a tiny ESM bootstrap registers tsx (a devDependency) and then imports the module.
 */
function tsBootstrap(worker: URL): URL {
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(worker.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/**
 * A worker thread running `<name>.ts` next to this file (sources, under tsx/vitest) or `<name>.js` (from dist/).
 * From sources, workspace packages resolve to their sources too (as vitest does), not to their dist/.
 */
export function spawnWorker(name: string, workerData: unknown): Worker {
  const ts = import.meta.url.endsWith('.ts');
  const url = new URL(`./${name}${ts ? '.ts' : '.js'}`, import.meta.url);
  return new Worker(ts ? tsBootstrap(url) : url, { workerData, execArgv: ts ? ['--conditions=@acseg/source'] : [] });
}
