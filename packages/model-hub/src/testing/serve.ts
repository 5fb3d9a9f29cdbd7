import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAKE_HUB_URL, fakeHub, type FakeHubOptions } from './fake-hub.js';

/**
 * The fake Hub behind a real HTTP server on 127.0.0.1 (a free port), for a
 * process that cannot be given a `fetch`: the `acseg` binary, pointed at it
 * with `HF_ENDPOINT`.
 */
export async function serveFakeHub(opts: FakeHubOptions): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const hub = fakeHub(opts);
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const r = await hub.fetch(`${FAKE_HUB_URL}${req.url}`, {
        method: req.method,
        headers,
        ...(chunks.length ? { body: Buffer.concat(chunks).toString('utf8') } : {}),
      });
      res.writeHead(r.status, Object.fromEntries(r.headers));
      if (r.body) for await (const c of r.body) res.write(c);
      res.end();
    })().catch((e: unknown) => {
      res.destroy(e instanceof Error ? e : new Error(String(e)));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: hub.requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
