import { AcsegError } from '@acseg/core';
import { join } from 'node:path';
import type { NamedModel } from './catalog.js';

export const DEFAULT_HUB_URL = 'https://huggingface.co';

/** The Hub URL to use: `$HF_ENDPOINT` (as the Hub's own clients read it), else huggingface.co. */
export function defaultHubUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.HF_ENDPOINT || DEFAULT_HUB_URL).replace(/\/+$/, '');
}

/** The URL a file of a Hub repository is downloaded from. */
export function hubFileUrl(hubUrl: string, repo: string, revision: string, path: string): string {
  return `${hubUrl}/${repo}/resolve/${encodeURIComponent(revision)}/${path}`;
}

/** Lines telling a user which URL to fetch by hand and where to put each file. */
export function byHandInstructions(spec: NamedModel, dir: string, hubUrl: string, revision: string): string {
  const lines = spec.files.map((f) => `  ${hubFileUrl(hubUrl, spec.repo, revision, f)}\n    → ${join(dir, f)}`);
  return `To install ${spec.name} by hand, download these files from ${hubUrl}/${spec.repo} (revision ${revision}) and place them as shown:\n${lines.join('\n')}`;
}

export function modelNotFound(spec: NamedModel, dir: string, hubUrl: string, revision: string, reason: string, cause?: unknown): AcsegError {
  const after =
    spec.layout === 'safetensors'
      ? `then run \`acseg models pull ${spec.name} --offline\` to check and convert them`
      : `then run \`acseg models list\` to check them`;
  return new AcsegError('MODEL_NOT_FOUND', `${reason}\n${byHandInstructions(spec, dir, hubUrl, revision)}`, {
    file: dir,
    hint: after,
    cause,
  });
}
