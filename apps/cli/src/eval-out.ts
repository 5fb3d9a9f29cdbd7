import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AcsegError } from '@acseg/core';

/** The acseg source checkout this CLI runs from (the npm-workspaces root holding apps/cli), if it runs from one. */
export function projectCheckout(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && existsSync(join(dir, 'apps', 'cli', 'package.json'))) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces) return dir;
      } catch {
        // not the workspace root
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * `eval`'s output folder: `--out`, else `out/<name>` in the working folder, except inside the acseg checkout the CLI
 * runs from, where a report would land among the project's files: refused before any work, with a folder to give.
 */
export function evalOutDir(given: string | undefined, name: string, cwd = process.cwd()): string {
  if (given) return given;
  const checkout = projectCheckout();
  if (checkout && inside(resolve(cwd), checkout)) {
    throw new AcsegError(
      'BAD_CONFIG',
      `acseg eval: no --out given, and the working folder ${resolve(cwd)} is inside the acseg checkout ${checkout}: the outputs would be written into the project`,
      {
        hint: `give --out DIR outside it, e.g. --out ${join(dirname(checkout), 'acseg-out', name)}`,
      },
    );
  }
  return join('out', name);
}
