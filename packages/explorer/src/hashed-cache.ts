import type { Hash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@acseg/report';

/**
 * JSON entries in a folder, each named by a hash of what decides it, so a rebuild computes only what changed;
 * `prune` removes the entries this build did not use.
 */
export class HashedJsonCache {
  hits = 0;
  private readonly used = new Set<string>();
  constructor(protected readonly dir: string) {}

  /** An entry's file name from a hash fed with everything that decides the entry. */
  protected static entryName(hash: Hash): string {
    return `${hash.digest('hex').slice(0, 32)}.json`;
  }

  /** The saved entry (a hit, kept by prune), else undefined. */
  protected async read<T>(name: string): Promise<T | undefined> {
    const saved = await readFile(join(this.dir, name), 'utf8').then(
      (t) => JSON.parse(t) as T,
      () => undefined,
    );
    if (saved === undefined) return undefined;
    this.used.add(name);
    this.hits++;
    return saved;
  }

  protected async write(name: string, value: unknown): Promise<void> {
    this.used.add(name);
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(join(this.dir, name), JSON.stringify(value));
  }

  async prune(): Promise<void> {
    for (const name of await readdir(this.dir).catch(() => [] as string[])) if (!this.used.has(name)) await rm(join(this.dir, name), { force: true });
  }
}
