import { AcsegError } from '@acseg/core';

/** For commands whose parts are not built yet: one clear line, non-zero exit. */
export function notBuiltYet(what: string, issue: number): never {
  throw new AcsegError('NOT_IMPLEMENTED', `${what} is not built yet (tracked in issue #${issue})`);
}

/**
 * Required options are checked after component names, so that
 * `acseg run --generator nope` answers with the list of generators first.
 */
export function requireOptions(command: string, argv: object, names: readonly string[]): void {
  const values = argv as Record<string, unknown>;
  const missing = names.filter((n) => values[n] === undefined || values[n] === '');
  if (missing.length) {
    const flags = missing.map((n) => `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new AcsegError('BAD_CONFIG', `acseg ${command}: missing required option${missing.length > 1 ? 's' : ''} ${flags.join(', ')}`, { hint: `see acseg ${command} --help` });
  }
}
