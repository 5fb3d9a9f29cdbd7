import { isAcsegError, tidyMessage, type AcsegErrorCode } from '@acseg/core/errors';

/** Exit statuses: 2 for what the user asked wrongly (names, plugins, config), 1 for failures while working. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

const USAGE_CODES: ReadonlySet<AcsegErrorCode> = new Set([
  'UNKNOWN_COMPONENT',
  'DUPLICATE_COMPONENT',
  'PLUGIN_NOT_FOUND',
  'NOT_A_PLUGIN',
  'PLUGIN_API_MISMATCH',
  'BAD_CONFIG',
]);

export function exitCodeFor(error: unknown): number {
  if (isAcsegError(error)) {
    if (USAGE_CODES.has(error.code)) return EXIT.usage;
    if (error.code === 'INTERRUPTED') return EXIT.interrupted;
  }
  return EXIT.failure;
}

/** The one or two lines a user sees; the stack only with --verbose. */
export function formatError(error: unknown, verbose: boolean): string {
  const lines: string[] = [];
  if (isAcsegError(error)) {
    lines.push(`acseg: error: ${tidyMessage(error.message)}`);
    if (error.hint) lines.push(`  hint: ${error.hint}`);
  } else {
    lines.push(`acseg: error: ${tidyMessage(error instanceof Error ? error.message : String(error))}`);
  }
  if (verbose && error instanceof Error && error.stack) lines.push(error.stack);
  else if (!isAcsegError(error)) lines.push('  (run with --verbose for the stack trace)');
  return lines.join('\n');
}
