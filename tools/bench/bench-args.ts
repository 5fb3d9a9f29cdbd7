import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * A benchmark script's options (node:util's parseArgs, strict): `--help` prints its usage and exits; an unknown or
 * malformed option prints what is wrong and the usage, and exits 2 (rather than a stack trace).
 */
export function benchArgs<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs(config);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}
