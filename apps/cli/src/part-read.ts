import { AcsegError } from '@acseg/core';
import type { Part } from './shard-part.js';

/** A part whose shard has not finished (`what`: how that shows): nothing is merged. */
export function unfinishedPart(p: Part, what: string, hint = 'run that shard again, then merge'): AcsegError {
  return new AcsegError('BAD_CONFIG', `${p.dir}: shard ${p.record.shard}/${p.record.of} is unfinished (${what}); nothing merged`, { hint });
}

/**
 * A part's done and skipped entries, read by `read`: a file that cannot be read, or that holds fewer than `expected`
 * entries, means the shard is unfinished (`where`: said after the count, e.g. which file).
 */
export async function readFinishedPart<T extends ({ items: { length: number } } | { count: number }) & { skipped: unknown[] }>(
  p: Part,
  read: () => Promise<T>,
  expected: number,
  where = '',
): Promise<T> {
  const got = await read().catch((e: unknown) => {
    throw unfinishedPart(p, (e as Error).message);
  });
  const done = ('count' in got ? got.count : got.items.length) + got.skipped.length;
  if (done < expected) throw unfinishedPart(p, `${done} of its ${expected} images${where}`);
  return got;
}
