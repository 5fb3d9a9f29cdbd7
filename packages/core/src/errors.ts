import { tidyMessage } from './tidy-message.js';

/**
 * Every failure acseg reports to a user is an AcsegError: a stable `code`
 * for programs, a message for people, and the file, plugin or hint that
 * tells them what to fix. The CLI prints `message` (+ hint) without a stack.
 */
export type AcsegErrorCode =
  | 'UNKNOWN_COMPONENT'
  | 'DUPLICATE_COMPONENT'
  | 'PLUGIN_NOT_FOUND'
  | 'NOT_A_PLUGIN'
  | 'PLUGIN_API_MISMATCH'
  | 'PLUGIN_FAILED'
  | 'BAD_CONFIG'
  | 'BAD_IMAGE'
  | 'BAD_INPUT'
  | 'BAD_MODEL'
  | 'MODEL_NOT_FOUND'
  | 'BAD_CHECKPOINT'
  | 'BAD_DATASET'
  | 'NOT_IMPLEMENTED'
  | 'NUMERIC'
  | 'INTERRUPTED';

export interface AcsegErrorOptions {
  /** What the user can do about it. */
  hint?: string;
  /** The file the error is about. */
  file?: string;
  /** The plugin that raised or caused it. */
  plugin?: string;
  /** The pipeline stage (features, generate, classify, ...). */
  stage?: string;
  cause?: unknown;
}

export class AcsegError extends Error {
  readonly code: AcsegErrorCode;
  readonly hint?: string;
  readonly file?: string;
  readonly plugin?: string;
  readonly stage?: string;

  constructor(code: AcsegErrorCode, message: string, options: AcsegErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AcsegError';
    this.code = code;
    this.hint = options.hint;
    this.file = options.file;
    this.plugin = options.plugin;
    this.stage = options.stage;
  }

  /** One or two lines for a terminal: the message, then the hint. */
  format(): string {
    return this.hint ? `${this.message}\n  hint: ${this.hint}` : this.message;
  }
}

export function isAcsegError(e: unknown): e is AcsegError {
  return (
    e instanceof AcsegError ||
    (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AcsegError' && typeof (e as { code?: unknown }).code === 'string')
  );
}

/** Wraps any thrown value as an AcsegError, keeping an existing one as is. */
export function toAcsegError(e: unknown, code: AcsegErrorCode, context: AcsegErrorOptions & { message?: string } = {}): AcsegError {
  if (isAcsegError(e)) return e;
  const detail = e instanceof Error ? e.message : String(e);
  const message = tidyMessage(context.message ? `${context.message}: ${detail}` : detail);
  return new AcsegError(code, message, { ...context, cause: e });
}

export class UnknownComponentError extends AcsegError {
  readonly kind: string;
  readonly id: string;
  readonly known: readonly string[];
  constructor(kind: string, id: string, known: readonly string[]) {
    super('UNKNOWN_COMPONENT', `unknown ${kind} "${id}". Available ${kind}s: ${known.length ? known.join(', ') : '(none registered)'}`, {
      hint: `pick one of the names above, or load the plugin that provides "${id}" with --plugin`,
    });
    this.kind = kind;
    this.id = id;
    this.known = known;
  }
}

/** "file: problem" for a list of skipped inputs, without repeating the file when the message already names it. */
export function describeSkip(source: string, message: string): string {
  return tidyMessage(message.includes(source) ? message : `${source}: ${message}`);
}
