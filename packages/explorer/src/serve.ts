import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { AcsegError } from '@acseg/core';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.jpg': 'image/jpeg', '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json',
};

export interface ServedExplorer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Serves an explore/ folder on localhost only (GET of files inside it;
 * nothing outside it, nothing listed). port 0 picks a free port.
 */
export async function serveExplorer(dir: string, port = 0): Promise<ServedExplorer> {
  const root = resolve(dir);
  if (!existsSync(join(root, 'index.html'))) throw new AcsegError('BAD_INPUT', `${root}: no index.html; build the explorer first`, { file: root });
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    const refuse = (code: number) => { res.writeHead(code, { 'content-type': 'text/plain' }); res.end(code === 404 ? 'not found' : 'not allowed'); };
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405);
    if (file !== root && !file.startsWith(root + sep)) return refuse(404);
    stat(file).then((st) => {
      if (!st.isFile()) return refuse(404);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': st.size });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    }, () => refuse(404));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => fail(new AcsegError('BAD_INPUT', `cannot serve on port ${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.message}`, { hint: 'give another --port' })));
    server.listen(port, '127.0.0.1', () => ok());
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/`;
  return { url, server, close: () => new Promise((ok) => server.close(() => ok())) };
}
