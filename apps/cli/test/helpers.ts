import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../../..');
export const cliBin = join(repoRoot, 'apps/cli/bin/acseg.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `acseg` binary (npm test builds first). */
export function acseg(args: string[], cwd = repoRoot, env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [cliBin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export { removeTempDirs, tempDir } from '@acseg/core/testing';

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

/** A minimal plugin module, written as plain ESM so it needs no build. */
export function pluginSource(name: string, opts: { apiVersion?: number; generator?: string; classifier?: string } = {}): string {
  return `export default {
  name: ${JSON.stringify(name)}, version: '1.2.3', apiVersion: ${opts.apiVersion ?? 1},
  register(c) {
    ${opts.generator ? `c.generator(${JSON.stringify(opts.generator)}, { description: 'test generator', create: () => ({ name: ${JSON.stringify(opts.generator)}, ready: true, generate: async () => [] }) });` : ''}
    ${opts.classifier ? `c.classifier(${JSON.stringify(opts.classifier)}, { description: 'test classifier', create: () => ({ name: ${JSON.stringify(opts.classifier)}, needs: {}, classify: async (xs) => xs.map(() => []) }) });` : ''}
  },
};
`;
}
