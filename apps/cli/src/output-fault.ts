import { relative, resolve, sep } from 'node:path';
import { AcsegError } from '@acseg/core';

/** A system error's code and path, as an output worker sends them with its error message. */
export interface SystemFault {
  code: string;
  syscall?: string;
  path?: string;
}

/** The system error (code and path) in an error or its causes: `cause` chains as @acseg/report wraps them. */
export function systemFault(error: unknown): SystemFault | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 8 && e && typeof e === 'object'; depth++) {
    const x = e as { code?: unknown; errno?: unknown; syscall?: unknown; path?: unknown; cause?: unknown };
    if (typeof x.code === 'string' && (typeof x.errno === 'number' || typeof x.syscall === 'string')) {
      return { code: x.code, ...(typeof x.syscall === 'string' ? { syscall: x.syscall } : {}), ...(typeof x.path === 'string' ? { path: x.path } : {}) };
    }
    e = x.cause;
  }
  return undefined;
}

/** Faults of the folder as a whole (of a path in it, or of a write without a path): every later image would fail the same way. */
const FULL = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);
/** Faults of the folder when they come from a path in it (an input elsewhere may be unreadable on its own). */
const DENIED = new Set(['EACCES', 'EPERM', 'EIO']);

const REASON: Record<string, string> = {
  ENOSPC: 'no space left on its device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'its file system is read-only',
  EACCES: 'no permission to write there',
  EPERM: 'the operation was not permitted',
  EIO: 'an input/output error of its device',
};

/**
 * The error that stops a run when writing outputs failed for a reason of the output folder itself (disk full,
 * quota, read-only file system, permissions), rather than of one image: skipping image after image would only
 * list the same fault thousands of times. Undefined for faults of one image (those are skipped and listed).
 * The images finished before are whole on disk (atomic writes) and a rerun skips them.
 */
export function outputFolderFault(out: string, error: unknown): AcsegError | undefined {
  const fault = systemFault(error);
  if (!fault) return undefined;
  const dir = resolve(out);
  const inside = fault.path !== undefined && (resolve(fault.path) === dir || resolve(fault.path).startsWith(dir + sep));
  // A write without a path (fs.write on a handle) is one of this folder's: nothing else is written meanwhile.
  const ours = inside || fault.path === undefined;
  if (!(FULL.has(fault.code) && ours) && !(DENIED.has(fault.code) && inside)) return undefined;
  const file = inside ? ` (writing ${relative(dir, resolve(fault.path!))})` : '';
  return new AcsegError('BAD_INPUT', `output folder ${out}: cannot write, ${REASON[fault.code]} (${fault.code})${file}; stopped`, {
    file: out,
    hint:
      `the images finished before the stop are whole and kept: ${fault.code === 'EACCES' || fault.code === 'EPERM' ? 'fix the permissions' : 'free some space'} ` +
      'and run the same command again to go on from there (it skips them)',
    cause: error,
  });
}
