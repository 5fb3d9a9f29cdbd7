import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The columns yargs wraps the help at: the terminal's width, at most 110 (main.ts uses the same rule). */
export function helpWidth(columns: number | undefined): number {
  return Math.min(110, columns || 110);
}

/** Where the build leaves `acseg --help` rendered at 110 columns. */
export const HELP_FILE = join(import.meta.dirname, 'help.txt');

/**
 * `acseg --help` without loading yargs: importing and running it costs about 150 ms of a 300 ms start-up budget,
 * and the top-level help names only the command catalog and the global flags, which the build renders once.
 * Any other argument list, a terminal narrower than 110 columns, or a build without the file goes through yargs.
 */
export function cachedHelp(argv: readonly string[], columns: number | undefined, file = HELP_FILE): string | undefined {
  if (argv.length !== 1 || (argv[0] !== '--help' && argv[0] !== '-h') || helpWidth(columns) !== 110) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
