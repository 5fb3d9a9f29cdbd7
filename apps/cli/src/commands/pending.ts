import { AcsegError } from '@acseg/core';

/** For commands whose parts are not built yet: one clear line, non-zero exit. */
export function notBuiltYet(what: string, issue: number): never {
  throw new AcsegError('NOT_IMPLEMENTED', `${what} is not built yet (tracked in issue #${issue})`);
}
