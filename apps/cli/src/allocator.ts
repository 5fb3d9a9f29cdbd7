/**
 * glibc's allocator settings acseg restarts itself with on Linux.
 *
 * glibc raises its mmap threshold each time a large buffer is freed (up to 32 MiB) and its trim threshold to twice
 * that, so after the first 12 MP photo every buffer up to ~24 MB lands in one of its per-thread arenas, which then keep
 * up to ~48 MB each of free memory: 15 % of a ViT run's peak on phone photos (measured in apps/cli/README). A fixed
 * threshold turns that adjustment off. It can only be set before the process starts, hence the restart, done with
 * `process.execve` (Node ≥ 22.15: the same process, no wrapper).
 */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '1048576' };

/** Any of these set by the user (even empty) leaves the allocator as they chose. */
const USER_SETTINGS = ['MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_TOP_PAD_', 'MALLOC_MMAP_MAX_', 'MALLOC_ARENA_MAX', 'GLIBC_TUNABLES'];

export interface AllocatorHost {
  platform: NodeJS.Platform;
  /** glibc's version where the process runs on glibc (`process.report`'s header). */
  glibc: string | undefined;
  canExec: boolean;
}

/** Whether the environment already sets glibc's allocator (then acseg leaves it as it is). */
export function userSetAllocator(env: NodeJS.ProcessEnv): boolean {
  return USER_SETTINGS.some((name) => env[name] !== undefined);
}

/** The environment to restart with, or undefined to go on as is. */
export function allocatorRestartEnv(env: NodeJS.ProcessEnv, host: AllocatorHost): NodeJS.ProcessEnv | undefined {
  if (host.platform !== 'linux' || host.glibc === undefined || !host.canExec || userSetAllocator(env)) return undefined;
  return { ...env, ...ALLOCATOR_ENV };
}

type Execve = (file: string, args: string[], env: NodeJS.ProcessEnv) => never;

function glibcVersion(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  // Without the network part the report takes ~4 ms (Node ≥ 22.13 reads this flag); the user's setting is put back.
  const report = process.report as { excludeNetwork?: boolean };
  const before = report.excludeNetwork;
  report.excludeNetwork = true;
  try {
    return (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
  } finally {
    report.excludeNetwork = before;
  }
}

/** The commands that decode images or train, where the setting pays for the restart (~50 ms). */
const HEAVY_COMMANDS = new Set(['run', 'segment', 'features', 'eval', 'train', 'explore']);

/**
 * Replaces this process with itself under `ALLOCATOR_ENV` where that applies (see `allocatorRestartEnv`) for a
 * command that decodes images or trains; else returns.
 */
export function restartWithAllocatorSettings(script: string, args: readonly string[]): void {
  const execve = (process as { execve?: Execve }).execve;
  if (!execve || userSetAllocator(process.env) || !args.some((a) => HEAVY_COMMANDS.has(a))) return;
  const env = allocatorRestartEnv(process.env, { platform: process.platform, glibc: glibcVersion(), canExec: true });
  if (env) execve.call(process, process.execPath, [process.execPath, ...process.execArgv, script, ...args], env);
}
