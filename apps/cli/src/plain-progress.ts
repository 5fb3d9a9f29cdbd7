import type { ProgressBar } from '@acseg/core';

/** At least one line this often on long work (a ViT over COCO's 49 000 images spends an hour between two tenths). */
export const PLAIN_LINE_EVERY_MS = 60_000;

/** Seconds as a log reads them: 42 s, 3m07s, 2h05m. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * Progress where stderr is no terminal (CI logs, Slurm and Kubernetes logs): a line at each tenth done and at least
 * one a minute, with elapsed time, rate and what remains at that rate, so a log tells how far a job has got.
 */
export function plainProgress(
  label: string,
  total: number,
  write: (line: string) => void,
  extra: (values?: Record<string, string | number>) => string,
  now: () => number = Date.now,
): ProgressBar {
  const t0 = now();
  let lastDecile = -1;
  let lastLine = t0;
  return {
    update(done, values) {
      const t = now();
      const decile = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (decile === lastDecile && t - lastLine < PLAIN_LINE_EVERY_MS) return;
      lastDecile = decile;
      lastLine = t;
      const elapsed = (t - t0) / 1000;
      const parts = [`${elapsed.toFixed(1)} s`];
      // A bar whose values carry their own rate and ETA (training: it/s, eta) keeps those alone.
      if (done > 0 && elapsed > 0 && !(values && 'eta' in values)) {
        const rate = done / elapsed;
        parts.push(`${rate >= 10 ? rate.toFixed(0) : rate.toPrecision(2)}/s`);
        if (done < total) parts.push(`eta ${formatDuration((total - done) / rate)}`);
      }
      const more = extra(values);
      write(`${label}: ${done}/${total}${more ? ` ${more}` : ''} (${parts.join(', ')})\n`);
    },
    stop() {},
  };
}
