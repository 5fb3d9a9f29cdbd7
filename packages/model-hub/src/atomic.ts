import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { writeViaTemp } from '@acseg/core';

/** A temp name beside `path`; never the final name, so a killed write leaves no half file there. */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
}

export function isTempPath(name: string): boolean {
  return /\.tmp-\d+-\d+-\d+$/.test(name);
}

/** Small files (manifests, the hash memo): a temp file beside `path`, fsync, rename. Downloads stream through tempPathFor too. */
export function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  return writeViaTemp(path, tempPathFor(path), (fh) => fh.writeFile(data));
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Git's object id of a file's content: SHA-1 of "blob <size>\0" + content (what the Hub lists for non-LFS files). */
export async function gitBlobSha1File(path: string): Promise<string> {
  const { size } = await stat(path);
  const h = createHash('sha1').update(`blob ${size}\0`);
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
