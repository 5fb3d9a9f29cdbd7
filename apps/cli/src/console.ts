import cliProgress from 'cli-progress';
import type { Logger, ProgressBar, ProgressFactory } from '@acseg/core';
import { plainProgress } from './plain-progress.js';

export function consoleLogger(verbose: boolean): Logger {
  return {
    info: (m) => process.stderr.write(`${m}\n`),
    warn: (m) => process.stderr.write(`warning: ${m}\n`),
    debug: (m) => {
      if (verbose) process.stderr.write(`debug: ${m}\n`);
    },
  };
}

/**
 * Progress bars on a terminal (cli-progress); plain lines with rate and ETA when stderr is not a TTY (CI and job
 * logs: plain-progress.ts); nothing when quiet.
 */
export function consoleProgress(quiet = false): ProgressFactory {
  if (quiet) return { start: () => ({ update() {}, stop() {} }) };
  return {
    start(label: string, total: number): ProgressBar {
      const fmt = (values?: Record<string, string | number>) =>
        values
          ? Object.entries(values)
              .map(([k, v]) => `${k} ${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toPrecision(4)) : v}`)
              .join(' | ')
          : '';
      if (!process.stderr.isTTY) return plainProgress(label, total, (line) => process.stderr.write(line), fmt);
      const bar = new cliProgress.SingleBar(
        { format: `${label} [{bar}] {value}/{total} | ETA {eta_formatted} | {extra}`, hideCursor: true, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { extra: '' });
      return { update: (done, values) => bar.update(done, { extra: fmt(values) }), stop: () => bar.stop() };
    },
  };
}
