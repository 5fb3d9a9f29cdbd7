import type { Argv } from 'yargs';
import type { Logger, ProgressFactory } from '@acseg/core';

/** --shard-size, --flush-seconds: how a feature cache writer batches its shard files. */
export function cacheWriterOptions<T>(a: Argv<T>, flushSeconds: string) {
  return a
    .option('shard-size', { type: 'number', default: 256, describe: 'images per shard file' })
    .option('flush-seconds', { type: 'number', default: 30, describe: flushSeconds });
}

/** What `features` and `features import` hand their cache writer besides the data: those flags and the session's reporting. */
export function cacheWriterSettings(
  argv: { shardSize: number; flushSeconds: number },
  session: { progress: ProgressFactory; log: Logger },
  signal: AbortSignal,
): { shardSize: number; flushSeconds: number; progress: ProgressFactory; log: Logger; signal: AbortSignal } {
  return { shardSize: argv.shardSize, flushSeconds: argv.flushSeconds, progress: session.progress, log: session.log, signal };
}
