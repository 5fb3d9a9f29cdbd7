import { AcsegError } from '@acseg/core';

/**
 * Required options are checked after component names, so that
 * `acseg run --generator nope` answers with the list of generators first.
 */
export function requireOptions(command: string, argv: object, names: readonly string[]): void {
  const values = argv as Record<string, unknown>;
  const missing = names.filter((n) => values[n] === undefined || values[n] === '');
  if (missing.length) {
    const flags = missing.map((n) => `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new AcsegError('BAD_CONFIG', `acseg ${command}: missing required option${missing.length > 1 ? 's' : ''} ${flags.join(', ')}`, {
      hint: `see acseg ${command} --help`,
    });
  }
}
