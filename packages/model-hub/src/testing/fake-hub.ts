import { createHash } from 'node:crypto';

/**
 * A tiny stand-in for the Hugging Face Hub, served through an injected
 * `fetch` (no network): the paths-info API and `resolve/` downloads, as
 * @huggingface/hub calls them. Checksums are computed here the way the Hub
 * defines them (LFS oid = SHA-256 of the content; Git oid = SHA-1 of
 * "blob <size>\0" + content), independently of the code under test.
 */
export interface FakeFile {
  content: Uint8Array;
  /** Stored with Git LFS (large files): the Hub lists its SHA-256. */
  lfs?: boolean;
}

export interface FakeHubOptions {
  /** repo → path → file */
  repos: Record<string, Record<string, FakeFile>>;
  /** `repo/path` → bytes served instead of the listed content (a corrupted transfer). */
  tamper?: Record<string, Uint8Array>;
  /** `repo/path` → the connection drops after this many bytes. */
  cutAfter?: Record<string, number>;
  /** Every request fails as fetch does without a network. */
  offline?: boolean;
  /** Gated repositories: answered 401 without a bearer token, 403 with one other than `token`. */
  gated?: { repos: string[]; token: string };
}

export const FAKE_HUB_URL = 'https://hub.test';

export function gitBlobSha1(b: Uint8Array): string {
  return createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
}

export function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

function body(bytes: Uint8Array, cutAfter?: number): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      const end = cutAfter ?? bytes.length;
      // Several chunks, as a network delivers them.
      for (let i = 0; i < end; i += 1000) c.enqueue(bytes.slice(i, Math.min(end, i + 1000)));
      if (cutAfter !== undefined) c.error(new Error('connection reset by peer'));
      else c.close();
    },
  });
}

export function fakeHub(opts: FakeHubOptions): { fetch: typeof fetch; requests: string[]; authorizations: Array<string | null> } {
  const requests: string[] = [];
  const authorizations: Array<string | null> = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = init?.method ?? 'GET';
    requests.push(`${method} ${url.pathname}`);
    if (opts.offline) throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND hub.test') });
    if (url.origin !== FAKE_HUB_URL) return new Response('wrong host', { status: 500 });
    const auth = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).get('Authorization');
    authorizations.push(auth);
    const repo = url.pathname.match(/^\/(?:api\/models\/)?([^/]+\/[^/]+)\//)?.[1];
    if (repo && opts.gated?.repos.includes(repo) && auth !== `Bearer ${opts.gated.token}`) {
      const status = auth ? 403 : 401;
      return Response.json({ error: `Access to model ${repo} is restricted. You must have access to it and be authenticated to access it.` }, { status });
    }
    const info = url.pathname.match(/^\/api\/models\/([^/]+\/[^/]+)\/paths-info\/([^/]+)$/);
    if (info && method === 'POST') {
      const files = opts.repos[info[1]];
      if (!files) return Response.json({ error: 'Repository not found' }, { status: 404 });
      const { paths } = JSON.parse(String(init?.body)) as { paths: string[] };
      return Response.json(
        paths
          .filter((p) => files[p])
          .map((p) => {
            const f = files[p];
            const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256Hex(f.content)}\nsize ${f.content.length}\n`;
            return {
              type: 'file',
              path: p,
              size: f.content.length,
              oid: f.lfs ? gitBlobSha1(new TextEncoder().encode(pointer)) : gitBlobSha1(f.content),
              ...(f.lfs ? { lfs: { oid: sha256Hex(f.content), size: f.content.length, pointerSize: pointer.length } } : {}),
            };
          }),
      );
    }
    const dl = url.pathname.match(/^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/);
    if (dl && method === 'GET') {
      const key = `${dl[1]}/${dl[3]}`;
      const f = opts.repos[dl[1]]?.[dl[3]];
      if (!f) return new Response('Entry not found', { status: 404, headers: { 'X-Error-Code': 'EntryNotFound' } });
      const served = opts.tamper?.[key] ?? f.content;
      const etag = `"${sha256Hex(f.content)}"`;
      const range = new Headers(init?.headers).get('Range');
      if (range === 'bytes=0-0') {
        return new Response(served.slice(0, 1), { status: 206, headers: { 'Content-Range': `bytes 0-0/${f.content.length}`, ETag: etag } });
      }
      return new Response(body(served, opts.cutAfter?.[key]), { status: 200, headers: { 'Content-Length': String(served.length), ETag: etag } });
    }
    return new Response('not found', { status: 404 });
  };
  return { fetch: fake as typeof fetch, requests, authorizations };
}
