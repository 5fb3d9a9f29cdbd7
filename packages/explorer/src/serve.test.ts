import { request } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveExplorer } from './serve.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acseg-serve-'));
  await writeFile(join(dir, 'index.html'), '<p>explorer</p>');
  await writeFile(join(dir, 'explorer.js'), 'void 0;');
  await writeFile(join(dir, '..', `${dir.split(/[\\/]/).pop()}-secret.txt`), 'secret');
});
afterAll(async () => {
  if (dir) {
    await rm(join(dir, '..', `${dir.split(/[\\/]/).pop()}-secret.txt`), { force: true });
    await rm(dir, { recursive: true, force: true });
  }
});

/** GET with the path sent as given (no URL normalisation on this side). */
function get(url: string, path: string): Promise<{ status: number; type?: string; body: string }> {
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => ok({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('serveExplorer', () => {
  it('serves the folder on 127.0.0.1 with content types, and nothing outside it', async () => {
    const s = await serveExplorer(dir);
    try {
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(await get(s.url, '/')).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: '<p>explorer</p>' });
      expect((await get(s.url, '/explorer.js')).type).toBe('text/javascript; charset=utf-8');
      expect((await get(s.url, '/nothing.js')).status).toBe(404);
      const name = `${dir.split(/[\\/]/).pop()}-secret.txt`;
      expect((await get(s.url, `/../${name}`)).status).toBe(404);
      expect((await get(s.url, `/%2e%2e/${name}`)).status).toBe(404);
      // Built without features: no concept maps to compute on request, said in JSON.
      const api = await get(s.url, '/api/map?i=0');
      expect(api.status).toBe(404);
      expect(JSON.parse(api.body).error).toMatch(/built without features/);
    } finally {
      await s.close();
    }
  });

  it('refuses a folder without index.html', async () => {
    await expect(serveExplorer(join(dir, 'nothing'))).rejects.toThrow(/no index\.html; build the explorer first/);
  });
});
