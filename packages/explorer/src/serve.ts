import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { AcsegError } from '@acseg/core';
import { MapService } from './map-service.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

export interface ServedExplorer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, code: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(code, { 'content-type': TYPES['.json'], 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Serves an explore/ folder on localhost only (GET of files inside it;
 * nothing outside it, nothing listed). port 0 picks a free port.
 * `GET api/map?i=N` computes the concept map of image N when the build
 * left it out (--maps) and had features to compute it from.
 */
export async function serveExplorer(dir: string, port = 0): Promise<ServedExplorer> {
  const root = resolve(dir);
  if (!existsSync(join(root, 'index.html'))) throw new AcsegError('BAD_INPUT', `${root}: no index.html; build the explorer first`, { file: root });
  // A feature cache moved away since the build leaves the page as built; api/map says why.
  const maps = await MapService.open(root).catch((e: unknown) => `cannot compute concept maps: ${e instanceof Error ? e.message : String(e)}`);
  // One layout at a time: each already uses a worker per core.
  let queue: Promise<unknown> = Promise.resolve();
  const conceptMap = (i: number) => {
    const next = queue.then(() => (maps as MapService).map(i));
    queue = next.catch(() => undefined);
    return next;
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = decodeURIComponent(url.pathname);
    if (path === '/api/map' && req.method === 'GET') {
      const i = Number(url.searchParams.get('i'));
      if (!maps) return sendJson(res, 404, { error: 'the explorer was built without features (--features): no concept maps to compute' });
      if (typeof maps === 'string') return sendJson(res, 404, { error: maps });
      if (!Number.isInteger(i) || i < 0) return sendJson(res, 400, { error: 'api/map needs ?i=<image position>' });
      conceptMap(i).then(
        (m) => (typeof m === 'string' ? sendJson(res, 200, { error: m }) : sendJson(res, 200, { map: m })),
        (e: unknown) => sendJson(res, 500, { error: e instanceof Error ? e.message : String(e) }),
      );
      return;
    }
    const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    const refuse = (code: number) => {
      res.writeHead(code, { 'content-type': 'text/plain' });
      res.end(code === 404 ? 'not found' : 'not allowed');
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405);
    if (file !== root && !file.startsWith(root + sep)) return refuse(404);
    stat(file).then(
      (st) => {
        if (!st.isFile()) return refuse(404);
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': st.size });
        if (req.method === 'HEAD') return res.end();
        createReadStream(file).pipe(res);
      },
      () => refuse(404),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(
        new AcsegError('BAD_INPUT', `cannot serve on port ${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.message}`, {
          hint: 'give another --port',
        }),
      ),
    );
    server.listen(port, '127.0.0.1', () => ok());
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/`;
  return {
    url,
    server,
    close: async () => {
      await new Promise<void>((ok) => server.close(() => ok()));
      await queue;
      if (typeof maps === 'object') await maps.close();
    },
  };
}
