import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AcsegError } from '@acseg/core';
import { tempPathFor } from './atomic.js';
import type { Verification } from './manifest.js';

/** The Hub client, loaded by the first download (listing and resolving models stay cheap). */
const hubClient = () => import('@huggingface/hub');

/** What the Hub says about one file of a repository. */
export interface RemoteFile {
  path: string;
  size: number;
  /** Git object id: for LFS files, the SHA-1 of the pointer; else the Git blob SHA-1 of the content. */
  oid: string;
  /** SHA-256 of the content, for files stored with Git LFS. */
  lfsSha256?: string;
}

export interface HubAccess {
  hubUrl: string;
  revision: string;
  fetch?: typeof fetch;
  /** A Hub access token (gated models), from `HF_TOKEN`. */
  accessToken?: string;
}

/** Sizes and checksums of `paths` in `repo`, from the Hub's paths-info API. Missing files are absent from the map. */
export async function remoteFiles(repo: string, paths: readonly string[], hub: HubAccess): Promise<Map<string, RemoteFile>> {
  const { pathsInfo } = await hubClient();
  const infos = await pathsInfo({
    repo,
    paths: [...paths],
    revision: hub.revision,
    hubUrl: hub.hubUrl,
    fetch: hub.fetch,
    ...(hub.accessToken ? { accessToken: hub.accessToken } : {}),
  });
  const out = new Map<string, RemoteFile>();
  for (const i of infos) {
    if (i.type !== 'file') continue;
    out.set(i.path, { path: i.path, size: i.lfs?.size ?? i.size, oid: i.oid ?? '', lfsSha256: i.lfs?.oid });
  }
  return out;
}

export interface DownloadResult {
  size: number;
  sha256: string;
  verified: Verification;
}

/**
 * Downloads one file to `dest` through a temp file beside it, hashing as it
 * streams; the temp file is renamed to `dest` only once the size and the
 * checksum match what the Hub announced, so an interrupted or corrupt
 * download never leaves a file under the final name.
 */
export async function downloadVerified(
  repo: string,
  remote: RemoteFile,
  dest: string,
  hub: HubAccess,
  onBytes?: (done: number) => void,
): Promise<DownloadResult> {
  const { downloadFile } = await hubClient();
  const blob = await downloadFile({
    repo,
    path: remote.path,
    revision: hub.revision,
    hubUrl: hub.hubUrl,
    fetch: hub.fetch,
    ...(hub.accessToken ? { accessToken: hub.accessToken } : {}),
  });
  if (!blob) throw new AcsegError('MODEL_NOT_FOUND', `${repo} has no file ${remote.path} at revision ${hub.revision}`);
  await mkdir(dirname(dest), { recursive: true });
  const tmp = tempPathFor(dest);
  const sha256 = createHash('sha256');
  const gitSha1 = remote.lfsSha256 ? null : createHash('sha1').update(`blob ${remote.size}\0`);
  let size = 0;
  let renamed = false;
  const fh = await open(tmp, 'w');
  try {
    const reader = blob.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      sha256.update(value);
      gitSha1?.update(value);
      await fh.write(value);
      size += value.length;
      onBytes?.(size);
    }
    await fh.close();
    const got = sha256.digest('hex');
    if (size !== remote.size) {
      throw new AcsegError('BAD_MODEL', `${remote.path} from ${repo}: received ${size} bytes, the Hub announced ${remote.size} (download cut short?)`, {
        file: dest,
      });
    }
    let verified: Verification = 'none';
    if (remote.lfsSha256) {
      if (got !== remote.lfsSha256) throw checksumError(repo, remote.path, dest, 'SHA-256', got, remote.lfsSha256);
      verified = 'hub-lfs-sha256';
    } else if (gitSha1 && remote.oid) {
      const sha1 = gitSha1.digest('hex');
      if (sha1 !== remote.oid) throw checksumError(repo, remote.path, dest, 'Git blob SHA-1', sha1, remote.oid);
      verified = 'hub-git-sha1';
    }
    await rename(tmp, dest);
    renamed = true;
    return { size, sha256: got, verified };
  } finally {
    await fh.close().catch(() => undefined);
    if (!renamed) await rm(tmp, { force: true });
  }
}

function checksumError(repo: string, path: string, dest: string, kind: string, got: string, want: string): AcsegError {
  return new AcsegError(
    'BAD_MODEL',
    `${path} from ${repo}: checksum mismatch, ${kind} of the downloaded bytes is ${got}, the Hub lists ${want}; nothing was written to ${dest}`,
    {
      file: dest,
      hint: 'run the pull again; if it fails the same way, the download is being altered on its way (proxy?)',
    },
  );
}
