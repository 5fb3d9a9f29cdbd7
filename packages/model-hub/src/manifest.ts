import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import type { ModelLayout } from '@acseg/core';

export const MANIFEST_FILE = 'acseg-manifest.json';

/** How a file's bytes were checked against the Hub. */
export type Verification =
  /** SHA-256 equals the Hub's Git LFS object id (large files). */
  | 'hub-lfs-sha256'
  /** Git blob SHA-1 equals the Hub's object id (small files kept in Git). */
  | 'hub-git-sha1'
  /** Placed by hand and not checked against the Hub (the SHA-256 is recorded for later runs). */
  | 'none';

export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
  verified: Verification;
}

/** Written beside a pulled model: what was downloaded from where, with checksums. */
export interface ModelManifest {
  format: 'acseg-model-manifest';
  version: 1;
  name: string;
  repo: string;
  revision: string;
  layout: ModelLayout;
  /** The Hub the files came from. */
  hubUrl: string;
  files: ManifestFile[];
  /** For the safetensors layout: the ONNX file converted from the weights. */
  converted?: { file: string; inputSize: number; size: number; sha256: string; weightsSha256: string };
  updated: string;
}

export async function readManifest(dir: string): Promise<{ manifest: ModelManifest | null; problem?: string }> {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { manifest: null };
  }
  try {
    const m = JSON.parse(text) as ModelManifest;
    if (m.format !== 'acseg-model-manifest' || !Array.isArray(m.files)) return { manifest: null, problem: `${file} is not an acseg model manifest` };
    return { manifest: m };
  } catch {
    return { manifest: null, problem: `${file} is not valid JSON (truncated?)` };
  }
}

export async function writeManifest(dir: string, m: ModelManifest): Promise<void> {
  await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify({ ...m, updated: new Date().toISOString() }, null, 2)}\n`);
}
